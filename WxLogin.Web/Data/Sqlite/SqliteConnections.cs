using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// SQLite's connections. Only the schema scripts at start may create the file; after start every
/// connection opens it ReadWrite, so a file that vanished stays vanished instead of coming back empty.
/// </summary>
public sealed class SqliteConnections(string connectionString) : DatabaseConnections
{
    public override string ConnectionString { get; } = connectionString;

    /// <summary>The database file's full path; null for an in-memory database.</summary>
    public string? FilePath { get; } = new SqliteConnectionStringBuilder(connectionString) is { Mode: not SqliteOpenMode.Memory } sqlite
        && sqlite.DataSource is { Length: > 0 } file && file != ":memory:" ? Path.GetFullPath(file) : null;

    /// <summary>ReadWrite: after start-up no connection may create the file (ReadWriteCreate is the default).</summary>
    public string RuntimeConnectionString { get; } = WithMode(connectionString, SqliteOpenMode.ReadWrite, pooling: null);

    /// <summary>The login writer's own connection, and [CheckToken]'s readers: never pooled, so reopening after a fault starts afresh.</summary>
    public string UnpooledConnectionString { get; } = WithMode(connectionString, SqliteOpenMode.ReadWrite, pooling: false);

    private int _generation;

    /// <summary>Changes at every <see cref="Reset"/>: a kept connection of an older generation is closed.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public override DbConnection CreateMigrationConnection() => new SqliteConnection(ConnectionString);

    public override DbConnection CreateConnection() => new SqliteConnection(RuntimeConnectionString);

    // secure_delete: nothing of a deleted user stays in the file (see SqliteSecureDelete).
    public override void ConfigureEf(DbContextOptionsBuilder options) =>
        options.UseSqlite(RuntimeConnectionString).AddInterceptors(SqliteSecureDelete.Instance);

    public override string Describe() => $"Sqlite file {FilePath ?? ":memory:"}";

    /// <summary>Forgets pooled and kept connections, so none opened in a bad state (read-only, deleted file) is reused.</summary>
    public void Reset()
    {
        Interlocked.Increment(ref _generation);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A relative file lives in the content root, wherever `dotnet run` was started.</summary>
    public static string AnchorFile(string connectionString, string contentRoot)
    {
        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        if (sqlite.DataSource != ":memory:" && !Path.IsPathRooted(sqlite.DataSource))
        {
            sqlite.DataSource = Path.Combine(contentRoot, sqlite.DataSource);
        }
        return sqlite.ToString();
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
}
