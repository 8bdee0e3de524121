using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Tests.Data.SqlServer;
using WxLogin.Web.Models;

namespace WxLogin.Tests.Data;

/// <summary>The provider differences that can be checked without a SQL Server.</summary>
public sealed class DatabaseDialectTests
{
    [Test]
    public async Task Sqlite_IsUniqueViolation_RecognisesTheSecondUserWithOneOpenId()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        await using (var first = database.OpenContext())
        {
            first.Users.Add(NewUser("o-same"));
            await first.SaveChangesAsync();
        }
        await using var second = database.OpenContext();
        second.Users.Add(NewUser("o-same"));

        var thrown = Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync());

        Assert.That(new SqliteFaults(database.Connections).IsUniqueViolation(thrown!), Is.True, thrown!.InnerException?.Message);
    }

    [Test]
    public async Task Sqlite_IsUniqueViolation_RecognisesASecondLiveTokenDigest_InTheFilteredIndex()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        var digest = Enumerable.Repeat((byte)9, 32).ToArray();
        await using (var first = database.OpenContext())
        {
            first.Users.AddRange(NewUser("o-1", digest), NewUser("o-2", tokenDigest: null), NewUser("o-3", tokenDigest: null));
            await first.SaveChangesAsync(); // two NULL digests: the filter leaves them out of the index
        }
        await using var second = database.OpenContext();
        second.Users.Add(NewUser("o-4", digest));

        var thrown = Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync());

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.InnerException, Is.TypeOf<SqliteException>()
                .With.Property(nameof(SqliteException.SqliteExtendedErrorCode)).EqualTo(2067)); // SQLITE_CONSTRAINT_UNIQUE
            Assert.That(new SqliteFaults(database.Connections).IsUniqueViolation(thrown), Is.True);
        });
    }

    [Test]
    public async Task Sqlite_IsUniqueViolation_RecognisesADuplicateOpenId_WrittenThroughDapper()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        await using var connection = await database.OpenConnectionAsync();
        const string insert = "INSERT INTO Users (OpenId, CreatedAt, UpdatedAt) VALUES (@openId, @now, @now)";
        await connection.ExecuteAsync(insert, new { openId = "o-dup", now = DateTime.UtcNow });

        var thrown = Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(insert, new { openId = "o-dup", now = DateTime.UtcNow }));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.SqliteErrorCode, Is.EqualTo(19)); // SQLITE_CONSTRAINT
            Assert.That(thrown.SqliteExtendedErrorCode, Is.EqualTo(2067)); // SQLITE_CONSTRAINT_UNIQUE
            Assert.That(new SqliteFaults(database.Connections).IsUniqueViolation(thrown), Is.True);
        });
    }

    [Test]
    public async Task Sqlite_IsUniqueViolation_RecognisesADuplicatePrimaryKey_WrittenThroughDapper()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        await using var connection = await database.OpenConnectionAsync();
        const string insert = "INSERT INTO Users (Id, OpenId, CreatedAt, UpdatedAt) VALUES (7, @openId, @now, @now)";
        await connection.ExecuteAsync(insert, new { openId = "o-a", now = DateTime.UtcNow });

        var thrown = Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(insert, new { openId = "o-b", now = DateTime.UtcNow }));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.SqliteExtendedErrorCode, Is.EqualTo(1555)); // SQLITE_CONSTRAINT_PRIMARYKEY
            Assert.That(new SqliteFaults(database.Connections).IsUniqueViolation(thrown), Is.True);
        });
    }

    [Test]
    public async Task Sqlite_IsUniqueViolation_IsFalse_ForOtherConstraintErrors()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        await using var db = database.OpenContext();
        db.Users.Add(NewUser(null!)); // OpenId is NOT NULL: a constraint error, but not a unique one

        var thrown = Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.InnerException, Is.TypeOf<SqliteException>());
            Assert.That(new SqliteFaults(database.Connections).IsUniqueViolation(thrown), Is.False);
        });
    }

    [Test]
    public void EachDialect_IgnoresTheOtherProvidersException()
    {
        var sqlServerDuplicate = new DbUpdateException("save failed", SqlExceptions.WithNumber(2627));
        var sqliteDuplicate = new DbUpdateException("save failed", new SqliteException("UNIQUE constraint failed", 19, 2067));

        Assert.Multiple(() =>
        {
            Assert.That(new SqliteFaults(new SqliteConnections("Data Source=:memory:")).IsUniqueViolation(sqliteDuplicate), Is.True);
            Assert.That(new SqliteFaults(new SqliteConnections("Data Source=:memory:")).IsUniqueViolation(sqlServerDuplicate), Is.False);
            Assert.That(new SqlServerFaults().IsUniqueViolation(sqliteDuplicate), Is.False);
            Assert.That(new SqlServerFaults().IsUniqueViolation(new TimeoutException()), Is.False);
        });
    }

    [Test]
    public void Sqlite_SplitBatches_KeepsTheScriptWhole()
    {
        const string script = "CREATE TABLE a (x);\nGO\nCREATE TABLE b (y);";

        Assert.That(new SqliteMigrationDialect().SplitBatches(script), Is.EqualTo(new[] { script }));
    }

    private static User NewUser(string openId, byte[]? tokenDigest = null) => new()
    {
        OpenId = openId,
        TokenDigest = tokenDigest,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
