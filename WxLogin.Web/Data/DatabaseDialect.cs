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

    /// <summary>A connection for the schema scripts at start-up (a SQLite file may be created here).</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>
    /// A connection for requests, after start-up: it never creates a database (a SQLite file that
    /// vanished stays vanished instead of coming back empty).
    /// </summary>
    public virtual DbConnection CreateRuntimeConnection() => CreateConnection();

    /// <summary>
    /// What is wrong with the storage, in words for the log ("the disk is full (SQLITE_FULL)"), when
    /// the exception says the database cannot serve now (full, read-only, missing, locked, unreachable);
    /// null for anything else, such as a bug in a statement.
    /// </summary>
    public abstract string? DescribeStorageFault(Exception exception);

    /// <summary>True when the fault is another writer holding the lock: the database itself is fine.</summary>
    public virtual bool IsLockTimeout(Exception exception) => false;

    /// <summary>Forgets pooled connections, so none opened in a bad state (read-only, deleted file) is reused.</summary>
    public virtual void ResetConnections()
    {
    }

    /// <summary>
    /// Null when this connection may write; otherwise why not. Leaves nothing behind.
    /// </summary>
    public abstract Task<string?> ProbeWritableAsync(DbConnection connection, CancellationToken cancellationToken);

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

    // SQLite primary result codes (https://sqlite.org/rescode.html).
    internal const int Busy = 5;
    internal const int Locked = 6;
    internal const int ReadOnly = 8;
    internal const int IoError = 10;
    internal const int Corrupt = 11;
    internal const int Full = 13;
    internal const int CantOpen = 14;
    internal const int NotADatabase = 26;
    internal const int ReadOnlyDbMoved = ReadOnly | (4 << 8);

    /// <summary>The database file's full path; null for an in-memory database.</summary>
    public string? FilePath { get; } = new SqliteConnectionStringBuilder(connectionString) is { Mode: not SqliteOpenMode.Memory } sqlite
        && sqlite.DataSource is { Length: > 0 } file && file != ":memory:" ? Path.GetFullPath(file) : null;

    /// <summary>ReadWrite: after start-up no connection may create the file (ReadWriteCreate is the default).</summary>
    public string RuntimeConnectionString { get; } = WithMode(connectionString, SqliteOpenMode.ReadWrite, pooling: null);

    /// <summary>The login writer's own connection: never pooled, so reopening it after a fault starts afresh.</summary>
    public string WriterConnectionString { get; } = WithMode(connectionString, SqliteOpenMode.ReadWrite, pooling: false);

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    public override DbConnection CreateRuntimeConnection() => new SqliteConnection(RuntimeConnectionString);

    // secure_delete: nothing of a deleted user stays in the file (see SqliteSecureDelete).
    public override void ConfigureEf(DbContextOptionsBuilder options) =>
        options.UseSqlite(RuntimeConnectionString).AddInterceptors(SqliteSecureDelete.Instance);

    public override string? DescribeStorageFault(Exception exception) =>
        Find<SqliteException>(exception) is not { } sqlite ? null : sqlite.SqliteErrorCode switch
        {
            Busy or Locked => "another connection holds the database's write lock (SQLITE_BUSY)",
            ReadOnly when sqlite.SqliteExtendedErrorCode == ReadOnlyDbMoved =>
                "the database file was deleted, moved or replaced while the service ran (SQLITE_READONLY_DBMOVED)",
            ReadOnly => "the database file or its folder is read-only (SQLITE_READONLY)",
            IoError => "a disk I/O error (SQLITE_IOERR)",
            Corrupt or NotADatabase => "the database file is damaged or not a database (SQLITE_CORRUPT)",
            Full => "the disk is full (SQLITE_FULL)",
            CantOpen => "the database file cannot be opened: it is missing or its folder is not accessible (SQLITE_CANTOPEN)",
            _ => null,
        };

    public override bool IsLockTimeout(Exception exception) =>
        Find<SqliteException>(exception) is { SqliteErrorCode: Busy or Locked };

    /// <summary>Read connections for [CheckToken], pooled by UserTokenQuery itself (statement kept prepared).</summary>
    public string ReaderConnectionString { get; } = WithMode(connectionString, SqliteOpenMode.ReadWrite, pooling: false);

    private int _connectionGeneration;

    /// <summary>Changes at every <see cref="ResetConnections"/>: a kept connection of an older generation is closed.</summary>
    public int ConnectionGeneration => Volatile.Read(ref _connectionGeneration);

    public override void ResetConnections()
    {
        Interlocked.Increment(ref _connectionGeneration);
        SqliteConnection.ClearAllPools();
    }

    // BEGIN IMMEDIATE takes the write lock without writing; a read-only file refuses it. Busy means
    // another connection is writing right now, so the file is writable.
    public override async Task<string?> ProbeWritableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(cancellationToken);
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is Busy or Locked)
        {
            return null;
        }
        catch (SqliteException ex)
        {
            return DescribeStorageFault(ex) ?? ex.Message;
        }
    }

    private static string WithMode(string connectionString, SqliteOpenMode mode, bool? pooling)
    {
        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        if (sqlite.Mode == SqliteOpenMode.ReadWriteCreate && sqlite.DataSource is not ("" or ":memory:"))
        {
            sqlite.Mode = mode;
        }
        if (pooling is { } pool)
        {
            sqlite.Pooling = pool;
        }
        return sqlite.ToString();
    }

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

    public override string? DescribeStorageFault(Exception exception) =>
        Find<SqlException>(exception) is not { } sql ? null : sql.Number switch
        {
            -2 or 1222 => "the statement timed out waiting for a lock or the server (timeout)",
            1205 => "the transaction was chosen as a deadlock victim (1205)",
            1105 or 9002 => $"the database or its log is full ({sql.Number})",
            3906 => "the database is read-only (3906)",
            4060 or 18456 => $"the database cannot be opened with these credentials ({sql.Number})",
            40501 or 40613 or 49918 or 49919 or 49920 => $"the database service is busy or unavailable ({sql.Number})",
            // Transport-level failures: the server cannot be reached or dropped the connection.
            -1 or 2 or 53 or 64 or 121 or 233 or 10053 or 10054 or 10060 or 10061 or 11001 =>
                $"the database server cannot be reached ({sql.Number})",
            _ => null,
        };

    public override bool IsLockTimeout(Exception exception) =>
        Find<SqlException>(exception) is { Number: -2 or 1222 or 1205 };

    public override void ResetConnections() => SqlConnection.ClearAllPools();

    public override async Task<string?> ProbeWritableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT CONVERT(nvarchar(20), DATABASEPROPERTYEX(DB_NAME(), 'Updateability'))";
        var updateability = await command.ExecuteScalarAsync(cancellationToken) as string;
        return updateability == "READ_WRITE" ? null : $"the database is {updateability ?? "not updatable"}";
    }

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
