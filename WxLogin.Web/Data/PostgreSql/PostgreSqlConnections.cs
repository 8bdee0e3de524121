using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WxLogin.Web.Data.PostgreSql;

/// <summary>
/// PostgreSQL's connections: one NpgsqlDataSource (its pool) for EF Core and the hot-path statements.
/// Npgsql prepares the statements it sees often on each pooled connection (Max Auto Prepare), so the
/// login upsert and the token read are parsed once per connection, not once per request. A connection
/// going back to the pool is not reset (No Reset On Close): WxLogin sets no session state (no SET, no
/// temporary tables, advisory locks only for a transaction), and the reset Npgsql would send before the
/// next use cost 10–50% of PostgreSQL's CPU per request in bench/. Either setting, named in the
/// connection string, is kept as written (a transaction-mode PgBouncer wants Max Auto Prepare=0).
/// </summary>
public sealed class PostgreSqlConnections : DatabaseConnections, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">Npgsql's format: Host=…;Port=…;Database=…;Username=…;Password=….</param>
    public PostgreSqlConnections(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName ??= "WxLogin"; // shows in pg_stat_activity
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 16;
        }
        if (!written.ContainsKey("No Reset On Close") && !written.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(builder);
        Builder = builder;
    }

    public override string ConnectionString { get; }

    private NpgsqlConnectionStringBuilder Builder { get; }

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override void ConfigureEf(DbContextOptionsBuilder options) => options.UseNpgsql(_dataSource);

    public override string Describe() => $"PostgreSql server {Builder.Host}:{Builder.Port}, database {Builder.Database}";

    /// <summary>Closes the idle pooled connections: after the server restarted, every one of them is dead.</summary>
    public void ClearPool() => _dataSource.Clear();

    public void Dispose() => _dataSource.Dispose();
}
