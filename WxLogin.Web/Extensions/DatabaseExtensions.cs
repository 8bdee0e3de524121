using Microsoft.Extensions.Options;
using WxLogin.Web.Data;
using WxLogin.Web.Data.PostgreSql;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Options;

namespace WxLogin.Web.Extensions;

/// <summary>The database: the chosen provider's folder, and what every provider shares.</summary>
public static class DatabaseExtensions
{
    /// <summary>
    /// Database:Provider → the registration of that provider's folder under Data/. Adding a provider is
    /// adding a folder and a line here.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Action<IServiceCollection>> Providers =
        new Dictionary<string, Action<IServiceCollection>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Sqlite"] = SqliteDatabase.Register,
            ["SqlServer"] = SqlServerDatabase.Register,
            ["PostgreSql"] = PostgreSqlDatabase.Register,
        };

    public static void AddWxLoginDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .Validate(database => Providers.ContainsKey(database.Provider),
                $"Database:Provider (env: Database__Provider) must be one of {string.Join(", ", Providers.Keys)}.")
            .ValidateOnStart();

        // An unknown name registers nothing: the settings check above stops the start with one line.
        var provider = builder.Configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] ?? DatabaseOptions.DefaultProvider;
        if (Providers.TryGetValue(provider, out var register))
        {
            register(builder.Services);
        }

        builder.Services.AddDbContext<AppDbContext>((services, options) =>
            services.GetRequiredService<DatabaseConnections>().ConfigureEf(options));
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<TokenCache>();
        builder.Services.AddSingleton<UserTokenQuery>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthExtensions.ReadyTag]);
    }

    /// <summary>Brings the schema up to date (Database:AutoMigrate) before the first request.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.AutoMigrate)
        {
            await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        }
    }
}
