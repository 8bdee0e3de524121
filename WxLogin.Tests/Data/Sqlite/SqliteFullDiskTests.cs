using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data.Sqlite;

namespace WxLogin.Tests.Data.Sqlite;

/// <summary>
/// A nearly full volume: a small tmpfs mounted for the test (skipped where mounting is not allowed).
/// The service refuses logins with one log line, readiness says so, and both heal once space is
/// freed, with only readiness probes arriving, also after a restart. The WAL stays bounded.
/// </summary>
[NonParallelizable]
public sealed class SqliteFullDiskTests
{
    private string _mount = null!;
    private string _path = null!;

    [SetUp]
    public void MountSmallVolume()
    {
        _mount = Directory.CreateTempSubdirectory("wxlogin-full-").FullName;
        if (Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _mount) != 0)
        {
            Directory.Delete(_mount);
            Assert.Ignore("Cannot mount a small tmpfs here (needs CAP_SYS_ADMIN); a full disk cannot be made otherwise.");
        }
        _path = Path.Combine(_mount, "wxlogin.db");
    }

    [TearDown]
    public void Unmount()
    {
        SqliteConnection.ClearAllPools();
        Run("umount", "-l", _mount);
        Directory.Delete(_mount, recursive: true);
    }

    [Test]
    public async Task Logins_Answer503_WithOneLogLine_AndReadinessHeals_OnceSpaceIsFreed_AlsoAfterARestart()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={_path}" };
        var filler = Path.Combine(_mount, "filler");
        using (var factory = new WxLoginFactory(settings))
        using (var client = factory.CreateClient())
        {
            await factory.LoginAsync("full.0", client);
            FillTheVolume(filler);

            var refused = new List<HttpResponseMessage>();
            for (var i = 1; i <= 20; i++)
            {
                refused.Add(await client.PostAsJsonAsync("/api/user/login", new { code = $"full.{i}" }));
            }
            var ready = await client.GetAsync("/health/ready");

            Assert.That(refused.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.ServiceUnavailable));
            await ProblemAssert.IsProblemAsync(refused[^1], HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            var writerErrors = factory.Logs.Where(l => l.StartsWith("Error WxLogin.Web.Data.Sqlite.SqliteLoginStore", StringComparison.Ordinal)).ToList();
            Assert.That(writerErrors, Has.Count.EqualTo(1), "one line per fault, not one per batch");
            Assert.That(writerErrors[0], Does.Contain("SQLITE_FULL"));
        }

        // Restarted while the volume is still full, then space is freed: only readiness asks.
        using (var factory = new WxLoginFactory(settings))
        using (var client = factory.CreateClient())
        {
            File.Delete(filler);
            var healed = await SqliteFileFaultTests.ReadyWithinAsync(client, TimeSpan.FromSeconds(5));
            var login = await client.PostAsJsonAsync("/api/user/login", new { code = "full.after" });

            Assert.That(healed, Is.True, "readiness back to 200 with no other request");
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        }
    }

    [Test]
    public async Task TheWal_ShrinksBackToItsLimit_OnceAReaderThatHeldCheckpointsBackLetsGo()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"wxlogin-wal-{Guid.NewGuid():N}.db")}" };
        var path = settings["ConnectionStrings:Default"]!["Data Source=".Length..];
        try
        {
            using var factory = new WxLoginFactory(settings);
            using var client = factory.CreateClient();
            await factory.LoginAsync("wal-first.1", client);
            long grown;
            await using (var reader = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                // A reader's open snapshot keeps every checkpoint from resetting the WAL, so it grows.
                await reader.OpenAsync();
                await using var read = reader.CreateCommand();
                read.CommandText = "BEGIN DEFERRED; SELECT COUNT(*) FROM Users;"; // a read lock only: logins go on
                await read.ExecuteScalarAsync();
                for (var i = 0; i < 600; i++)
                {
                    await factory.LoginAsync($"wal-{i}.1", client);
                }
                grown = new FileInfo(path + "-wal").Length;
            }
            for (var i = 0; i < 5; i++)
            {
                await factory.LoginAsync($"wal-after-{i}.1", client); // checkpoints run again and restart the WAL
            }

            Assert.That(grown, Is.GreaterThan(SqliteLoginStore.WalLimitBytes), "the reader held the checkpoints back");
            Assert.That(new FileInfo(path + "-wal").Length, Is.LessThan(SqliteLoginStore.WalLimitBytes + 256 * 1024));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", ".started" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    /// <summary>Writes until the volume refuses (ENOSPC), leaving a few bytes at most.</summary>
    private static void FillTheVolume(string filler)
    {
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // full
        }
    }

    private static int Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
