namespace WxLogin.Web.Data;

/// <summary>What every provider's registration reads from configuration.</summary>
public static class DatabaseSettings
{
    public static string ConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString("Default")
        ?? throw new InvalidOperationException("ConnectionStrings:Default is missing (env: ConnectionStrings__Default).");
}
