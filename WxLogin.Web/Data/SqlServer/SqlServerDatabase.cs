using Microsoft.Extensions.Options;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>Database:Provider = SqlServer: the design card's production database.</summary>
public static class SqlServerDatabase
{
    /// <summary>Plain SQL, one indexed seek on IX_Users_TokenDigest.</summary>
    internal static readonly string TokenSql = $"""
        SELECT {UserProjection.Columns}
        FROM Users
        WHERE TokenDigest = @digest
        """;

    /// <summary>One indexed read on IX_Users_ReplacedTokenDigest, only for a token that FindAsync did not find.</summary>
    internal const string ReplacedSql = "SELECT 1 FROM Users WHERE ReplacedTokenDigest = @digest";

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(provider => new SqlServerConnections(DatabaseSettings.ConnectionString(provider),
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.SqlServerCompatibilityLevel));
        services.AddSingleton<SqlServerFaults>();
        services.AddSingleton<SqlServerLoginStore>();
        services.AddSingleton<DatabaseConnections>(provider => provider.GetRequiredService<SqlServerConnections>());
        services.AddSingleton<StorageFaults>(provider => provider.GetRequiredService<SqlServerFaults>());
        services.AddSingleton<MigrationDialect, SqlServerMigrationDialect>();
        services.AddSingleton<WriteProbe, SqlServerWriteProbe>();
        services.AddSingleton<TokenReader>(provider =>
            new PooledTokenReader(provider.GetRequiredService<SqlServerConnections>(), TokenSql, ReplacedSql));
        services.AddSingleton<LoginStore>(provider => provider.GetRequiredService<SqlServerLoginStore>());
    }
}
