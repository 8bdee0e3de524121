namespace WxLogin.Web.Data.PostgreSql;

/// <summary>Database:Provider = PostgreSql: a server database that several instances can share.</summary>
public static class PostgreSqlDatabase
{
    /// <summary>One indexed read on "IX_Users_TokenDigest".</summary>
    internal static readonly string TokenSql = $"""
        SELECT {UserProjection.Columns}
        FROM "Users"
        WHERE "TokenDigest" = @digest
        """;

    /// <summary>One indexed read on "IX_Users_ReplacedTokenDigest", only for a token that FindAsync did not find.</summary>
    internal const string ReplacedSql = """SELECT 1 FROM "Users" WHERE "ReplacedTokenDigest" = @digest""";

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(provider => new PostgreSqlConnections(DatabaseSettings.ConnectionString(provider)));
        services.AddSingleton<PostgreSqlFaults>();
        services.AddSingleton<PostgreSqlLoginStore>();
        services.AddSingleton<DatabaseConnections>(provider => provider.GetRequiredService<PostgreSqlConnections>());
        services.AddSingleton<StorageFaults>(provider => provider.GetRequiredService<PostgreSqlFaults>());
        services.AddSingleton<MigrationDialect, PostgreSqlMigrationDialect>();
        services.AddSingleton<WriteProbe, PostgreSqlWriteProbe>();
        services.AddSingleton<TokenReader>(provider =>
            new PooledTokenReader(provider.GetRequiredService<PostgreSqlConnections>(), TokenSql, ReplacedSql));
        services.AddSingleton<LoginStore>(provider => provider.GetRequiredService<PostgreSqlLoginStore>());
    }
}
