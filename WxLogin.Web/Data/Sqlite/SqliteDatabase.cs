using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>Database:Provider = Sqlite: an embedded file, the default, and what a fresh clone runs on.</summary>
public static class SqliteDatabase
{
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(provider => new SqliteConnections(
            SqliteConnections.AnchorFile(DatabaseSettings.ConnectionString(provider), provider.GetRequiredService<IHostEnvironment>().ContentRootPath),
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.WriteTimeout));
        services.AddSingleton<SqliteFaults>();
        services.AddSingleton<SqliteTokenReader>();
        services.AddSingleton<SqliteDatabaseFile>();
        services.AddSingleton<SqliteLoginStore>();
        // EF Core's writes wait for the login writer's turn: one writer of the file per process.
        services.AddSingleton<SqliteWriteTurns>();
        services.ConfigureDbContext<AppDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<SqliteWriteTurns>()));
        // Hosted services start after the schema scripts ran, in this order, and stop in reverse.
        services.AddHostedService(provider => provider.GetRequiredService<SqliteDatabaseFile>());
        services.AddHostedService(provider => provider.GetRequiredService<SqliteLoginStore>());
        services.AddSingleton<IValidateOptions<DatabaseOptions>, SqliteDatabaseFile.MissingFileCheck>();
        services.AddSingleton<DatabaseConnections>(provider => provider.GetRequiredService<SqliteConnections>());
        services.AddSingleton<StorageFaults>(provider => provider.GetRequiredService<SqliteFaults>());
        services.AddSingleton<MigrationDialect, SqliteMigrationDialect>();
        services.AddSingleton<WriteProbe, SqliteWriteProbe>();
        services.AddSingleton<TokenReader>(provider => provider.GetRequiredService<SqliteTokenReader>());
        services.AddSingleton<LoginStore>(provider => provider.GetRequiredService<SqliteLoginStore>());
    }
}
