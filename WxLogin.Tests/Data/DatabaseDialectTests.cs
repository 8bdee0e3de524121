using System.Reflection;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Data.Sqlite;
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

    [TestCase(2601, true, TestName = "SqlServer_IsUniqueViolation_IsTrue_For2601DuplicateKeyInUniqueIndex")]
    [TestCase(2627, true, TestName = "SqlServer_IsUniqueViolation_IsTrue_For2627UniqueConstraint")]
    [TestCase(547, false, TestName = "SqlServer_IsUniqueViolation_IsFalse_For547ForeignKeyOrCheck")]
    [TestCase(515, false, TestName = "SqlServer_IsUniqueViolation_IsFalse_For515NullIntoNotNull")]
    [TestCase(1205, false, TestName = "SqlServer_IsUniqueViolation_IsFalse_For1205Deadlock")]
    public void SqlServer_IsUniqueViolation_ReadsTheErrorNumber(int number, bool expected)
    {
        var sql = SqlExceptions.WithNumber(number);
        var wrapped = new DbUpdateException("An error occurred while saving the entity changes.", sql);
        var dialect = new SqlServerFaults();

        Assert.Multiple(() =>
        {
            Assert.That(sql.Number, Is.EqualTo(number), "the constructed exception must carry the number");
            Assert.That(dialect.IsUniqueViolation(wrapped), Is.EqualTo(expected));
            Assert.That(dialect.IsUniqueViolation(sql), Is.EqualTo(expected));
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

    [TestCase("Server=127.0.0.1,1;Database=app", "WxLogin")]
    [TestCase("Server=127.0.0.1,1;Database=app;Application Name=Shop", "Shop")]
    [TestCase("Server=127.0.0.1,1;Database=app;App=Shop", "Shop")]
    public void SqlServer_EfAndDapper_OpenConnectionsWithOneConnectionString_SoTheyShareOnePool(string configured, string applicationName)
    {
        var dialect = new SqlServerConnections(configured);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        dialect.ConfigureEf(options);
        using var db = new AppDbContext(options.Options);

        var efConnectionString = db.Database.GetDbConnection().ConnectionString; // not opened
        var dapperConnectionString = dialect.CreateConnection().ConnectionString;

        Assert.Multiple(() =>
        {
            Assert.That(efConnectionString, Is.EqualTo(dapperConnectionString));
            Assert.That(new SqlConnectionStringBuilder(dapperConnectionString).ApplicationName, Is.EqualTo(applicationName));
        });
    }

    [Test]
    public void SqlServer_SplitBatches_SplitsOnGoLinesLikeSqlcmd()
    {
        const string script = "CREATE TABLE a (x int);\r\nGO\r\n  go  -- second separator\nALTER TABLE a ADD y int;\nGOTO_label: PRINT 'GO';\nGO";

        var batches = new SqlServerMigrationDialect().SplitBatches(script);

        Assert.That(batches.Select(b => b.Trim()), Is.EqualTo(new[]
        {
            "CREATE TABLE a (x int);",
            "ALTER TABLE a ADD y int;\nGOTO_label: PRINT 'GO';",
        }));
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

/// <summary>
/// SqlException has no public constructor; SqlClient builds it from an error collection. This does
/// the same through reflection (internal SqlError constructor, SqlErrorCollection.Add, SqlException.CreateException
/// as in Microsoft.Data.SqlClient 6.1), so the dialect sees a real SqlException with the server's error number.
/// A SqlClient bump that renames them fails SqlServer_IsUniqueViolation_ReadsTheErrorNumber, not silently.
/// </summary>
internal static class SqlExceptions
{
    private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;

    public static SqlException WithNumber(int number)
    {
        var errorConstructor = typeof(SqlError).GetConstructors(Internal)
            .Where(c => c.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(int))
            .OrderBy(c => c.GetParameters().Length)
            .First();
        var error = (SqlError)errorConstructor.Invoke(errorConstructor.GetParameters()
            .Select((parameter, index) => index == 0 ? number : DefaultFor(parameter))
            .ToArray());

        var errors = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        typeof(SqlErrorCollection).GetMethod("Add", Internal)!.Invoke(errors, [error]);

        var create = typeof(SqlException).GetMethod("CreateException", BindingFlags.NonPublic | BindingFlags.Static,
            [typeof(SqlErrorCollection), typeof(string)])!;
        return (SqlException)create.Invoke(null, [errors, "15.0.0"])!;
    }

    private static object? DefaultFor(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var t when t == typeof(string) => "test",
        var t when t.IsValueType => Activator.CreateInstance(t),
        _ => null,
    };
}
