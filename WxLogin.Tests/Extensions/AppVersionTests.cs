using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Extensions;

namespace WxLogin.Tests.Extensions;

/// <summary>One version, from Directory.Build.props: the start-up line, Swagger UI and CHANGELOG.md say the same.</summary>
public sealed partial class AppVersionTests
{
    private static string BuildVersion =>
        XDocument.Load(RepoRoot.File("Directory.Build.props")).Descendants("Version").Single().Value;

    [Test]
    public void Version_IsDirectoryBuildPropsSemVer()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AppVersion.Current, Is.EqualTo(BuildVersion));
            Assert.That(AppVersion.Current, Does.Match(SemVer()));
        });
    }

    [Test]
    public async Task StartupLine_AndSwaggerDocument_ShowTheVersion()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;

        var started = factory.Logs.Single(line => line.Contains("WxLogin started:"));
        Assert.Multiple(() =>
        {
            Assert.That(started, Does.Contain($"WxLogin started: version {BuildVersion}; environment "));
            Assert.That(document.GetProperty("info").GetProperty("version").GetString(), Is.EqualTo(BuildVersion));
        });
    }

    [Test]
    public void Changelog_HasAnEntryForTheVersion_AndAnUnreleasedSection()
    {
        var changelog = File.ReadAllText(RepoRoot.File("CHANGELOG.md"));

        Assert.Multiple(() =>
        {
            Assert.That(changelog, Does.Contain("## [Unreleased]"));
            Assert.That(changelog, Does.Match($@"\n## \[{Regex.Escape(BuildVersion)}\] - \d{{4}}-\d{{2}}-\d{{2}}\n"));
        });
    }

    [Test]
    public void License_IsMit()
    {
        var license = File.ReadAllText(RepoRoot.File("LICENSE"));

        Assert.That(license, Does.StartWith("MIT License").And.Contain("Copyright (c) 2026 WxLogin contributors"));
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
