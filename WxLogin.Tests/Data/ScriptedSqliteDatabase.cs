using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;

namespace WxLogin.Tests.Data;

/// <summary>A fresh SQLite file built by the real SchemaMigrator from database/sqlite/, deleted afterwards.</summary>
internal sealed class ScriptedSqliteDatabase : IAsyncDisposable
{
    private readonly string _path;

    private ScriptedSqliteDatabase(string path)
    {
        _path = path;
        Connections = new SqliteConnections($"Data Source={path}");
    }

    public SqliteConnections Connections { get; }

    public string FilePath => _path;

    public static async Task<ScriptedSqliteDatabase> CreateAsync(bool migrate = true)
    {
        var database = new ScriptedSqliteDatabase(Path.Combine(Path.GetTempPath(), $"wxlogin-data-{Guid.NewGuid():N}.db"));
        if (migrate)
        {
            await database.Migrator().MigrateAsync();
        }
        return database;
    }

    public SchemaMigrator Migrator() => new(new SqliteMigrationDialect(), Connections, NullLogger<SchemaMigrator>.Instance);

    /// <summary>The production [CheckToken] query on this file, with the token cache off (the default).</summary>
    public UserTokenQuery TokenQuery() =>
        new(new SqliteTokenReader(Connections), new TokenCache(Microsoft.Extensions.Options.Options.Create(new WxLogin.Web.Options.AuthOptions()), TimeProvider.System));

    public AppDbContext OpenContext()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        Connections.ConfigureEf(options);
        return new AppDbContext(options.Options);
    }

    public async Task<SqliteConnection> OpenConnectionAsync()
    {
        var connection = (SqliteConnection)Connections.CreateMigrationConnection();
        await connection.OpenAsync();
        return connection;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return ValueTask.CompletedTask;
    }
}
