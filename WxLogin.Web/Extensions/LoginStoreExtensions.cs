using Microsoft.Extensions.Options;
using WxLogin.Web.Data;
using WxLogin.Web.Options;

namespace WxLogin.Web.Extensions;

/// <summary>The hot-path writes (login, logout).</summary>
public static class LoginStoreExtensions
{
    public static void AddWxLoginStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LoginStore>(services =>
        {
            var writeTimeout = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.WriteTimeout;
            return services.GetRequiredService<DatabaseDialect>() switch
            {
                SqliteDialect sqlite => new SqliteLoginStore(sqlite, writeTimeout,
                    services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<SqliteLoginStore>>()),
                SqlServerDialect sqlServer => new SqlServerLoginStore(sqlServer, writeTimeout,
                    services.GetRequiredService<ILogger<SqlServerLoginStore>>()),
                var other => throw new InvalidOperationException($"No login store for {other.GetType().Name}."),
            };
        });
        builder.Services.AddSingleton<TokenCache>();
    }
}
