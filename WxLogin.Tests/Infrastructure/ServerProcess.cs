using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// The built WxLogin.Web.dll as a real process (`dotnet WxLogin.Web.dll`, from the test's output folder),
/// with the settings given as environment variables and everything it prints captured.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    /// <summary>http://127.0.0.1:port, the loopback address the server was told to listen on.</summary>
    public Uri BaseAddress { get; private init; } = null!;

    /// <summary>What the process printed so far, standard output and standard error.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ServerProcess Start(IDictionary<string, string> environment)
    {
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", ["WxLogin.Web.dll"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var server = new ServerProcess(new Process { StartInfo = start }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        server._process.OutputDataReceived += (_, line) => server.Append(line.Data);
        server._process.ErrorDataReceived += (_, line) => server.Append(line.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the process to end by itself (at most a minute) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("The server did not exit within a minute:\n" + Output);
        }
        _process.WaitForExit(); // the end of the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until /health answers 200 (at most a minute).</summary>
    public async Task WaitUntilHealthyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            Assert.That(_process.HasExited, Is.False, "The server ended while starting:\n" + Output);
            try
            {
                if ((await client.GetAsync(new Uri(BaseAddress, "/health"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        Assert.Fail("The server did not become healthy within a minute:\n" + Output);
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing the process could still do.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>A loopback port nothing listens on now (the OS picks it; free again once the probe closes).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
