using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WxLogin.Tests.Extensions;

/// <summary>The built server started as a process on a port that another process already listens on.</summary>
public sealed class AddressInUseTests
{
    [Test]
    public async Task Start_PrintsOneLineNamingTheAddress_AndExitsNonZero_WhenThePortIsTaken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var dataDir = Directory.CreateTempSubdirectory("wxlogin-port-test-");
        try
        {
            var (exitCode, output) = await RunServerAsync(address, dataDir.FullName);

            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Not.Zero, output);
                Assert.That(output, Does.Contain($"Failed to bind to address {address}: address already in use."), output);
                Assert.That(output, Does.Contain("--urls http://localhost:5080"), output);
                Assert.That(output, Does.Not.Contain(" at "), "no stack trace:\n" + output);
                Assert.That(output, Does.Not.Contain("Hosting failed to start"), output);
            });
        }
        finally
        {
            dataDir.Delete(recursive: true);
        }
    }

    /// <summary>Starts WxLogin.Web.dll (built next to this test project) and waits, at most a minute, for it to end.</summary>
    private static async Task<(int ExitCode, string Output)> RunServerAsync(string urls, string dataDir)
    {
        var webProject = Path.Combine(RepositoryRoot(), "WxLogin.Web");
        var configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(webProject, "bin", configuration, "net10.0", "WxLogin.Web.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is built with the solution");

        var start = new ProcessStartInfo("dotnet", [dll, "--contentRoot", webProject])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = webProject,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = urls;
        start.Environment["ConnectionStrings__Default"] = $"Data Source={Path.Combine(dataDir, "wxlogin.db")}";
        start.Environment["WeChat__Mode"] = "Emulator";
        using var server = Process.Start(start)!;
        var stdout = server.StandardOutput.ReadToEndAsync();
        var stderr = server.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
            Assert.Fail("The server did not exit within a minute although its port was taken.");
        }
        return (server.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "WxLogin.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("WxLogin.sln not found above the test folder.");
    }
}
