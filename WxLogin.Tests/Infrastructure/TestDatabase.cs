using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using WxLogin.Web.Data;

namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// One test app's own empty database on a provider: a temporary SQLite file, a database in the run's
/// PostgreSQL cluster, or one in the run's SQL Server container. Dropped at dispose.
/// </summary>
public sealed class TestDatabase(DatabaseProvider provider, string connectionString, Action drop) : IDisposable
{
    public DatabaseProvider Provider { get; } = provider;

    /// <summary>What the app is given as ConnectionStrings:Default.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>A database of its own on the provider; skips the test (with the reason) where the provider cannot run.</summary>
    public static TestDatabase Create(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => CreateSqlite(),
        DatabaseProvider.PostgreSql => PostgreSqlCluster.Require().CreateDatabase(),
        DatabaseProvider.SqlServer => SqlServerContainer.Require().CreateDatabase(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>An open connection beside the app's (unpooled, so nothing keeps the database busy after the test).</summary>
    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(ConnectionString),
            DatabaseProvider.PostgreSql => new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString),
            _ => new SqlConnection(new SqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString),
        };
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>An EF Core context on this database, as the app maps it.</summary>
    public AppDbContext OpenContext()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        _ = Provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(ConnectionString),
            DatabaseProvider.PostgreSql => options.UseNpgsql(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString),
            _ => options.UseSqlServer(new SqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString),
        };
        return new AppDbContext(options.Options);
    }

    public void Dispose() => drop();

    private static TestDatabase CreateSqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wxlogin-test-{Guid.NewGuid():N}.db");
        return new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={path}", () =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        });
    }
}
