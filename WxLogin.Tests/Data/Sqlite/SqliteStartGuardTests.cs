using System.Net;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data.Sqlite;

namespace WxLogin.Tests.Data.Sqlite;

/// <summary>
/// Outside Development a start never creates an empty database in place of one the service ran on:
/// the first successful start leaves a marker beside the file, and a start that finds the marker but
/// not the file refuses, naming the path and Database__CreateIfMissing=true.
/// </summary>
public sealed class SqliteStartGuardTests
{
    private string _directory = null!;
    private string _path = null!;

    [SetUp]
    public void MakeFolder()
    {
        _directory = Directory.CreateTempSubdirectory("wxlogin-guard-").FullName;
        _path = Path.Combine(_directory, "wxlogin.db");
    }

    [TearDown]
    public void RemoveFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Production_RefusesToStart_WhenTheDatabaseItRanOnIsMissing()
    {
        StartAndStop("Production");
        DeleteDatabase();

        using var factory = new WxLoginFactory(Settings(), environment: "Production");
        var said = factory.StartFailure();

        Assert.That(said, Does.Contain(_path).And.Contain("Database__CreateIfMissing=true"));
        Assert.That(said.Split('\n'), Has.Length.EqualTo(1), "one line");
        Assert.That(File.Exists(_path), Is.False, "no empty database was created");
    }

    [Test]
    public async Task Production_CreatesAnEmptyDatabase_WhenToldTo()
    {
        StartAndStop("Production");
        DeleteDatabase();

        using var factory = new WxLoginFactory(Settings(("Database:CreateIfMissing", "true")), environment: "Production");
        using var client = factory.CreateClient();

        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(File.Exists(_path), Is.True);
    }

    [Test]
    public async Task Development_CreatesTheMissingDatabase_AsBefore()
    {
        StartAndStop("Development");
        DeleteDatabase();

        using var factory = new WxLoginFactory(Settings(), environment: "Development");
        using var client = factory.CreateClient();

        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(File.Exists(SqliteDatabaseFile.MarkerPath(_path)), Is.False, "Development leaves no marker");
    }

    [Test]
    public void FirstStart_InProduction_LeavesTheMarkerBesideTheFile()
    {
        StartAndStop("Production");

        Assert.That(File.ReadAllText(SqliteDatabaseFile.MarkerPath(_path)), Does.Contain("Database__CreateIfMissing=true"));
    }

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["WeChat:Mode"] = "Live", // Production refuses the emulator; nothing here calls WeChat
            ["ConnectionStrings:Default"] = $"Data Source={_path}",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    private void StartAndStop(string environment)
    {
        using var factory = new WxLoginFactory(Settings(), environment);
        factory.CreateClient().Dispose();
    }

    private void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}
