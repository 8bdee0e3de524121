using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WxLogin.Web.Data.PostgreSql;

/// <summary>
/// PostgreSQL's connections: one NpgsqlDataSource (its pool) for EF Core and the hot-path statements.
/// Npgsql prepares the statements it sees often on each pooled connection (Max Auto Prepare), so the
/// login upsert and the token read are parsed once per connection, not once per request.
/// </summary>
public sealed class PostgreSqlConnections : DatabaseConnections, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">Npgsql's format: Host=…;Port=…;Database=…;Username=…;Password=….</param>
    public PostgreSqlConnections(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName ??= "WxLogin"; // shows in pg_stat_activity
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 16;
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
