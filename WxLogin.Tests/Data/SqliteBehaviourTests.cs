using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Models;

namespace WxLogin.Tests.Data;

/// <summary>
/// What EF Core 10 / Microsoft.Data.Sqlite 10 do that the app relies on, on a scripted SQLite file:
/// how timestamps are stored and read back by EF and by the Dapper token query, and connection pooling.
/// </summary>
public sealed class SqliteBehaviourTests
{
    private static readonly DateTime Expires = new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567);

    [Test]
    public async Task Timestamps_AreStoredAsUtcTextWithoutOffset_AndReadBackAsUtc_ByEfAndDapper()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        var digest = Enumerable.Repeat((byte)7, 32).ToArray();
        var user = new User { OpenId = "o-time", TokenDigest = digest, TokenExpiresAt = Expires, CreatedAt = Expires.AddDays(-7), UpdatedAt = Expires };
        await using (var db = database.OpenContext())
        {
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }

        await using var connection = await database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<string>("SELECT TokenExpiresAt FROM Users WHERE Id = @Id", new { user.Id });
        User fromEf;
        await using (var read = database.OpenContext())
        {
            fromEf = await read.Users.SingleAsync(u => u.Id == user.Id);
        }
        var fromDapper = await database.TokenQuery().FindByTokenDigestAsync(digest, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.EqualTo("2031-05-06 07:08:09.1234567"), "the text both readers parse");
            Assert.That(fromEf.TokenExpiresAt, Is.EqualTo(Expires));
            Assert.That(fromEf.TokenExpiresAt!.Value.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(fromEf.CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(fromDapper!.TokenExpiresAt, Is.EqualTo(Expires));
            Assert.That(fromDapper.TokenExpiresAt!.Value.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(fromDapper.CreatedAt, Is.EqualTo(Expires.AddDays(-7)));
            Assert.That(fromDapper.CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
        });
    }

    [Test]
    public async Task TimestampTextWithAnOffset_IsReadByEf_AsItsUtcInstant()
    {
        // Microsoft.Data.Sqlite 10 changed this: GetDateTime on text with an offset now returns UTC
        // (before: local time, which the UTC converter would then have mislabelled). Only text written
        // by hand carries an offset; the app writes none (see the test above).
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        await using (var connection = await database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO Users (OpenId, CreatedAt, UpdatedAt) VALUES ('o-offset', '2031-05-06 15:08:09+08:00', '2031-05-06 07:08:09')
                """);
        }

        await using var db = database.OpenContext();
        var user = await db.Users.SingleAsync(u => u.OpenId == "o-offset");

        Assert.Multiple(() =>
        {
            Assert.That(user.CreatedAt, Is.EqualTo(new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc)));
            Assert.That(user.CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(user.UpdatedAt, Is.EqualTo(user.CreatedAt));
        });
    }

    [Test]
    [NonParallelizable] // other fixtures' ClearAllPools would let go of the file before this test looks
    public async Task ClosedConnections_StayOpenInThePool_UntilThePoolIsCleared()
    {
        // Microsoft.Data.Sqlite pools connections (since 6.0): Close() keeps the file open, so the WAL
        // file SQLite removes with the last connection stays. Whatever deletes, moves or copies a
        // database file must call SqliteConnection.ClearAllPools() first, as every test fixture does.
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        var wal = database.FilePath + "-wal";
        await using (var connection = await database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO Users (OpenId, CreatedAt, UpdatedAt) VALUES ('o-pool', '2031-01-01', '2031-01-01')");
        }
        var walAfterClose = File.Exists(wal);

        SqliteConnection.ClearAllPools();

        Assert.Multiple(() =>
        {
            Assert.That(walAfterClose, Is.True, "closed, but still open in the pool");
            Assert.That(File.Exists(wal), Is.False, "the pool let go of the file");
        });
    }
}
