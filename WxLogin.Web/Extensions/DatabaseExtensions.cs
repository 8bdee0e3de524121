using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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

        // An unknown name registers nothing: the settings check above stops the start with one line. The
        // container must not check its registrations first (Development does), or it would stop the start
        // with a stack trace about the missing store.
        var provider = builder.Configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] ?? DatabaseOptions.DefaultProvider;
        if (Providers.TryGetValue(provider, out var register))
        {
            register(builder.Services);
        }
        else
        {
            builder.Host.UseDefaultServiceProvider(options => options.ValidateOnBuild = false);
        }

        builder.Services.AddDbContext<AppDbContext>((services, options) =>
        {
            services.GetRequiredService<DatabaseConnections>().ConfigureEf(options);
            // The error pipeline (Errors/) logs a failed save once, by what it means: a storage fault as one line
            // with its cause, a bug with its stack trace. EF Core's own line would say it again, as an Error even
            // for a write lock that another process held a moment too long.
            options.ConfigureWarnings(warnings => warnings.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<TokenCache>();
        builder.Services.AddSingleton<UserTokenQuery>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthExtensions.ReadyTag]);
    }

    /// <summary>
    /// Brings the schema up to date (Database:AutoMigrate) before the first request. A database that
    /// cannot take the scripts (unreachable, full, read-only) stops the start with one line naming the
    /// settings instead of a stack trace; false tells Program.cs to exit non-zero.
    /// </summary>
    public static async Task<bool> MigrateDatabaseAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.AutoMigrate)
        {
            return true;
        }
        try
        {
            await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
            return true;
        }
        catch (Exception ex) when (app.Services.GetRequiredService<StorageFaults>().Describe(ex) is { } cause)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WxLogin.Startup").LogCritical(
                "WxLogin cannot start: Database__AutoMigrate is true and the database cannot take the scripts: {Cause} ({Database}). " +
                "Start the database or correct ConnectionStrings__Default; or set Database__AutoMigrate=false and run the scripts " +
                "in database/ yourself: the service then starts and answers /health/ready 503 until the database serves.",
                cause, app.Services.GetRequiredService<DatabaseConnections>().Describe());
            await app.DisposeAsync();
            return false;
        }
    }
}
