namespace WxLogin.Web.Data.Sqlite;

/// <summary>Database:Provider = Sqlite: an embedded file, the default, and what a fresh clone runs on.</summary>
public static class SqliteDatabase
{
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(provider => new SqliteConnections(SqliteConnections.AnchorFile(
            DatabaseSettings.ConnectionString(provider), provider.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        services.AddSingleton<SqliteFaults>();
        services.AddSingleton<SqliteTokenReader>();
        services.AddSingleton<SqliteLoginStore>();
        services.AddSingleton<DatabaseConnections>(provider => provider.GetRequiredService<SqliteConnections>());
        services.AddSingleton<StorageFaults>(provider => provider.GetRequiredService<SqliteFaults>());
        services.AddSingleton<MigrationDialect, SqliteMigrationDialect>();
        services.AddSingleton<WriteProbe, SqliteWriteProbe>();
        services.AddSingleton<TokenReader>(provider => provider.GetRequiredService<SqliteTokenReader>());
        services.AddSingleton<LoginStore>(provider => provider.GetRequiredService<SqliteLoginStore>());
    }
}
