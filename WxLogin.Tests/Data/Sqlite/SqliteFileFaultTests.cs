using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Data.Sqlite;

/// <summary>
/// Faults of the SQLite file that readiness must see without waiting for a write, and that heal with
/// only readiness probes arriving. Real files; read-only by `chattr +i`, because the tests run as root,
/// whom chmod does not stop.
/// </summary>
[NonParallelizable]
public sealed class SqliteFileFaultTests
{
    /// <summary>How soon readiness must tell the truth, and how soon it must heal.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    [Test]
    public async Task MeAndReadiness_Answer503_WithoutAnyWrite_WhenTheFileIsDeleted()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("deleted-quietly.1", client);
        await (await client.GetMeAsync(login.Token)).IsOkAsync(); // a reader now holds the file open

        File.Delete(factory.DatabasePath);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the readers' check runs once a second
        var me = await client.GetMeAsync(login.Token);
        var ready = await client.GetAsync("/health/ready");

        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(File.Exists(factory.DatabasePath), Is.False, "no connection may create a new, empty database");
        Assert.That(factory.Logs, Has.Some.Contains("deleted, moved or replaced"));
    }

    [Test]
    public async Task MeAndReadiness_Answer503_WhenTheFileIsMovedAway_AndHealWhenItIsBack_WithOnlyReadinessProbes()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("moved.1", client);
        await (await client.GetMeAsync(login.Token)).IsOkAsync();

        File.Move(factory.DatabasePath, factory.DatabasePath + ".away");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var movedMe = await client.GetMeAsync(login.Token);
        var ready = await client.GetAsync("/health/ready");
        File.Move(factory.DatabasePath + ".away", factory.DatabasePath);
        var healed = await ReadyWithinAsync(client, Within);
        var me = await client.GetMeAsync(login.Token);

        await ProblemAssert.IsProblemAsync(movedMe, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(healed, Is.True, "readiness back to 200 with no other request");
        Assert.That((await me.IsOkAsync()).GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
    }

    [Test]
    public async Task Readiness_Answers503_WhenATableIsMissing_WithTheCauseInTheLog()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        await factory.LoginAsync("schema.1", client);

        await using (var connection = new SqliteConnection(factory.ConnectionString + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE SchemaVersions";
            await drop.ExecuteNonQueryAsync();
        }
        var ready = await client.GetAsync("/health/ready");

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(factory.Logs, Has.Some.Contains("no such table: SchemaVersions"));
    }

    /// <summary>
    /// The probe's finding: an instance that started while the file (or its folder) was read-only
    /// answered 503 after the repair until a request happened to reset it. Here only readiness asks.
    /// </summary>
    [TestCase(false, TestName = "Readiness_Answers503_WhileTheFileIsReadOnly_AndHealsWithOnlyReadinessProbes")]
    [TestCase(true, TestName = "Readiness_Answers503_WhileTheFolderIsReadOnly_AndHealsWithOnlyReadinessProbes")]
    public async Task Readiness_Answers503_WhileReadOnly_AndHeals(bool folder)
    {
        var directory = Directory.CreateTempSubdirectory("wxlogin-readonly-").FullName;
        var path = Path.Combine(directory, "wxlogin.db");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={path}" };
        using (var first = new WxLoginFactory(settings))
        {
            await first.LoginAsync("readonly.1");
        }
        SqliteConnection.ClearAllPools();
        var locked = folder ? directory : path;
        try
        {
            Immutable(locked, true);
            settings["Database:AutoMigrate"] = "false";
            using var factory = new WxLoginFactory(settings);
            using var client = factory.CreateClient();

            var ready = await client.GetAsync("/health/ready");
            var login = await client.PostAsJsonAsync("/api/user/login", new { code = "readonly.2" });
            Immutable(locked, false);
            var healed = await ReadyWithinAsync(client, Within);
            var after = await client.PostAsJsonAsync("/api/user/login", new { code = "readonly.3" });

            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "readiness fails before any write does");
            await ProblemAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.That(healed, Is.True, "readiness back to 200 with no other request");
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), await after.Content.ReadAsStringAsync());
        }
        finally
        {
            Immutable(locked, false);
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Polls readiness alone until it answers 200.</summary>
    internal static async Task<bool> ReadyWithinAsync(HttpClient client, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>`chattr +i`: not even root may write or create there (chmod would not stop root).</summary>
    private static void Immutable(string path, bool on)
    {
        using var chattr = Process.Start("chattr", [on ? "+i" : "-i", path])!;
        chattr.WaitForExit();
        if (on && chattr.ExitCode != 0)
        {
            Assert.Ignore($"chattr +i is not available here (exit {chattr.ExitCode}); a read-only file cannot be made for root otherwise.");
        }
    }
}
