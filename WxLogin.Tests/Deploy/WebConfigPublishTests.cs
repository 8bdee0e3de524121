using System.Diagnostics;
using System.Xml.Linq;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Deploy;

/// <summary>
/// `dotnet publish WxLogin.Web -c Release` must put the repo's web.config next to WxLogin.Web.dll,
/// set up for the ASP.NET Core Module V2 in-process. Publishes once, into a temporary folder.
/// </summary>
[Category("Publish")]
public sealed class WebConfigPublishTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

    private string _repoRoot = null!;
    private string _publishDir = null!;
    private XElement _aspNetCore = null!;
    private XDocument _published = null!;

    [OneTimeSetUp]
    public async Task Publish()
    {
        _repoRoot = RepoRoot.Path;
        _publishDir = Path.Combine(Path.GetTempPath(), $"wxlogin-publish-{Guid.NewGuid():N}");
        var elapsed = await RunPublishAsync();
        TestContext.Progress.WriteLine($"dotnet publish WxLogin.Web -c Release took {elapsed.TotalSeconds:F1} s");

        var webConfig = Path.Combine(_publishDir, "web.config");
        Assert.That(webConfig, Does.Exist, "publish must put web.config in the output");
        _published = XDocument.Load(webConfig);
        _aspNetCore = _published.Descendants("aspNetCore").Single();
    }

    [OneTimeTearDown]
    public void DeletePublishFolder()
    {
        if (Directory.Exists(_publishDir))
        {
            Directory.Delete(_publishDir, recursive: true);
        }
    }

    [Test]
    public void PublishedWebConfig_IsTheRepoRootFile_Unchanged()
    {
        Assert.That(File.ReadAllText(Path.Combine(_publishDir, "web.config")),
            Is.EqualTo(File.ReadAllText(Path.Combine(_repoRoot, "web.config"))));
    }

    [Test]
    public void PublishedWebConfig_StartsThePublishedDll_InProcess_WithModuleV2()
    {
        var handler = _published.Descendants("handlers").Elements("add").Single();
        var arguments = (string?)_aspNetCore.Attribute("arguments");

        Assert.Multiple(() =>
        {
            Assert.That((string?)handler.Attribute("modules"), Is.EqualTo("AspNetCoreModuleV2"));
            Assert.That((string?)_aspNetCore.Attribute("processPath"), Is.EqualTo("dotnet"));
            Assert.That(arguments, Is.EqualTo(@".\WxLogin.Web.dll"));
            Assert.That(Path.Combine(_publishDir, arguments![2..]), Does.Exist, "the dll that arguments names sits next to web.config");
            Assert.That((string?)_aspNetCore.Attribute("hostingModel"), Is.EqualTo("inprocess").IgnoreCase);
        });
    }

    [Test]
    public void PublishedWebConfig_HasStdoutLoggingOff_WithTheFolderItWouldUse()
    {
        Assert.Multiple(() =>
        {
            Assert.That((string?)_aspNetCore.Attribute("stdoutLogEnabled"), Is.EqualTo("false"));
            Assert.That((string?)_aspNetCore.Attribute("stdoutLogFile"), Is.EqualTo(@".\logs\stdout"));
        });
    }

    [Test]
    public void PublishedWebConfig_SetsOnlyTheEnvironment_NoSecretAndNoConnectionString()
    {
        // Its <environmentVariables> win over the application pool's: anything set here would undo the
        // server's values at every re-deploy, and a secret here is readable by whoever reads the site folder.
        var variables = _aspNetCore.Descendants("environmentVariable")
            .ToDictionary(v => (string)v.Attribute("name")!, v => (string)v.Attribute("value")!);
        var values = _published.Descendants().Attributes().Select(a => a.Value).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(variables, Is.EqualTo(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" }));
            Assert.That(_published.Descendants("connectionStrings"), Is.Empty);
            Assert.That(_published.Descendants("appSettings"), Is.Empty);
            // A real AppID is "wx" and 16 hex digits, a real AppSecret 32 hex digits; a connection string names a server or a password.
            Assert.That(values, Has.None.Match("wx[0-9a-f]{16}").And.None.Match("[0-9a-fA-F]{32}")
                .And.None.Match("(?i)(password|pwd|server|data source)\\s*="));
        });
    }

    private async Task<TimeSpan> RunPublishAsync()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "publish", Path.Combine("WxLogin.Web", "WxLogin.Web.csproj"), "-c", "Release", "-o", _publishDir,
            "--no-restore", "-nodeReuse:false", "-p:UseSharedCompilation=false",
        })
        {
            start.ArgumentList.Add(argument);
        }
        // The test host runs under dotnet test: its MSBuild variables would steer the child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet publish did not finish in {PublishTimeout}.");
        }
        Assert.That(process.ExitCode, Is.Zero, $"dotnet publish failed:\n{await output}\n{await errors}");
        return clock.Elapsed;
    }
}
