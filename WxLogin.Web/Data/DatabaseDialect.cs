using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data;

/// <summary>
/// Everything that differs between SQLite and SQL Server, in one place: opening a connection,
/// configuring EF Core, recognising a unique-index violation, the schema-version table, and how
/// the schema scripts are locked and split into batches.
/// </summary>
public abstract class DatabaseDialect(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>Folder under database/ that holds this provider's scripts.</summary>
    public abstract string ScriptFolder { get; }

    public abstract DbConnection CreateConnection();

    public abstract void ConfigureEf(DbContextOptionsBuilder options);

    /// <summary>True when the exception says a unique index (such as Users.OpenId) rejected the row.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Creates the table that records which scripts ran, if it is missing.</summary>
    public abstract string CreateSchemaVersionsSql { get; }

    /// <summary>Run once at start, outside any transaction, before the scripts.</summary>
    public virtual string? PrepareSql => null;

    /// <summary>
    /// Run first inside each script's transaction, so that instances starting at once against one
    /// database take turns; null when the provider's transactions already serialise writers.
    /// </summary>
    public virtual string? MigrationLockSql => null;

    /// <summary>The batches of one script, sent to the server one after the other.</summary>
    public virtual IReadOnlyList<string> SplitBatches(string script) => [script];

    public static DatabaseDialect For(DatabaseProvider provider, string connectionString,
        int sqlServerCompatibilityLevel = DatabaseOptions.DefaultSqlServerCompatibilityLevel) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDialect(connectionString),
        DatabaseProvider.SqlServer => new SqlServerDialect(connectionString, sqlServerCompatibilityLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };

    /// <summary>Walks DbUpdateException and friends down to the provider's own exception.</summary>
    protected static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T match)
            {
                return match;
            }
        }
        return null;
    }
}

public sealed class SqliteDialect(string connectionString) : DatabaseDialect(connectionString)
{
    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    private const int UniqueConstraint = 2067;
    private const int PrimaryKeyConstraint = 1555;

    public override string ScriptFolder => "sqlite";

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    // secure_delete: nothing of a deleted user stays in the file (see SqliteSecureDelete).
    public override void ConfigureEf(DbContextOptionsBuilder options) =>
        options.UseSqlite(ConnectionString).AddInterceptors(SqliteSecureDelete.Instance);

    public override bool IsUniqueViolation(Exception exception) =>
        Find<SqliteException>(exception) is { SqliteExtendedErrorCode: UniqueConstraint or PrimaryKeyConstraint };

    // WAL lets readers (every [CheckToken] request) proceed while a login writes.
    public override string PrepareSql => "PRAGMA journal_mode=WAL;";

    public override string CreateSchemaVersionsSql => """
        CREATE TABLE IF NOT EXISTS SchemaVersions (
            Version INTEGER NOT NULL CONSTRAINT PK_SchemaVersions PRIMARY KEY,
            Name TEXT NOT NULL,
            AppliedAt TEXT NOT NULL
        );
        """;
}

/// <param name="connectionString">a SqlClient connection string.</param>
/// <param name="compatibilityLevel">the database's compatibility level (Database:SqlServerCompatibilityLevel): EF Core
/// writes SQL for it, so it must not exceed the database's.</param>
public sealed partial class SqlServerDialect(
    string connectionString, int compatibilityLevel = DatabaseOptions.DefaultSqlServerCompatibilityLevel)
    : DatabaseDialect(WithApplicationName(connectionString))
{
    // 2601: duplicate key in a unique index; 2627: violation of a unique or primary key constraint.
    private static readonly int[] UniqueViolationNumbers = [2601, 2627];

    public override string ScriptFolder => "sqlserver";

    public override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

    public int CompatibilityLevel { get; } = compatibilityLevel;

    public override void ConfigureEf(DbContextOptionsBuilder options) =>
        options.UseSqlServer(ConnectionString, sql => sql.UseCompatibilityLevel(CompatibilityLevel));

    /// <summary>
    /// EF Core 10 adds its own Application Name to a connection string that has none, so EF's writes and
    /// the Dapper token query would use two strings and so two SqlClient pools. Naming the app here
    /// keeps one string, one pool (and shows "WxLogin" as program_name in sys.dm_exec_sessions).
    /// </summary>
    private static string WithApplicationName(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        if (!builder.ShouldSerialize("Application Name"))
        {
            builder.ApplicationName = "WxLogin";
        }
        return builder.ConnectionString;
    }

    public override bool IsUniqueViolation(Exception exception) =>
        Find<SqlException>(exception) is { } sql && UniqueViolationNumbers.Contains(sql.Number);

    public override string CreateSchemaVersionsSql => """
        IF OBJECT_ID(N'dbo.SchemaVersions', N'U') IS NULL
        CREATE TABLE dbo.SchemaVersions (
            Version int NOT NULL CONSTRAINT PK_SchemaVersions PRIMARY KEY,
            Name nvarchar(200) NOT NULL,
            AppliedAt datetime2 NOT NULL
        );
        """;

    // Released with the transaction. A second instance waits here, then finds the script recorded.
    public override string MigrationLockSql => """
        DECLARE @lock int;
        EXEC @lock = sp_getapplock @Resource = N'WxLogin.SchemaMigrator', @LockMode = N'Exclusive',
            @LockOwner = N'Transaction', @LockTimeout = 120000;
        IF @lock < 0
            THROW 50000, N'Timed out waiting for another instance to finish the database scripts (sp_getapplock).', 1;
        """;

    // GO is sqlcmd's batch separator, not T-SQL: a script that sqlcmd -i runs is sent here the same way.
    public override IReadOnlyList<string> SplitBatches(string script) =>
        BatchSeparator().Split(script).Where(batch => !string.IsNullOrWhiteSpace(batch)).ToList();

    [GeneratedRegex(@"^[ \t]*GO[ \t]*(?:--[^\r\n]*)?\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex BatchSeparator();
}
