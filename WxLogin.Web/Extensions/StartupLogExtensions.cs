using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using WxLogin.Web.Data;
using WxLogin.Web.Options;

namespace WxLogin.Web.Extensions;

/// <summary>One line at start that says what is running: the first thing an operator reads.</summary>
public static class StartupLogExtensions
{
    /// <summary>
    /// Once the server listens: environment, WeChat mode and AppId (never the secret), database (never the
    /// password), key ring folder, listening URLs and, outside Production, the Swagger UI.
    /// </summary>
    public static void LogStartupSummary(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var wechat = app.Services.GetRequiredService<IOptions<WeChatOptions>>().Value;
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
            var swagger = app.Environment.IsProduction()
                ? "off (Production)"
                : (urls.FirstOrDefault()?.TrimEnd('/') ?? "") + "/swagger";
            app.Logger.LogInformation(
                "WxLogin started: environment {Environment}; WeChat {WeChatMode} at {WeChatApi}, AppId {AppId}; database {Database}; " +
                "key ring {KeyRing}; listening on {Urls}; Swagger UI {Swagger}",
                app.Environment.EnvironmentName,
                wechat.Mode,
                wechat.Mode == WeChatMode.Emulator ? "the in-process emulator" : wechat.ApiBaseUrl.ToString(),
                wechat.AppId,
                app.Services.GetRequiredService<DatabaseConnections>().Describe(),
                DescribeKeyRing(app.Services.GetRequiredService<IOptions<KeyRingOptions>>().Value, app.Environment.ContentRootPath),
                urls.Length == 0 ? "(no network address: in-process test server)" : string.Join(", ", urls),
                swagger);
        });

    private static string DescribeKeyRing(KeyRingOptions keyRing, string contentRoot) =>
        keyRing.FullPath(contentRoot) is { } folder
            ? folder
            : FileSystemXmlRepository.DefaultKeyStorageDirectory is { } fallback
                ? $"{fallback.FullName} (ASP.NET Core's per-user default: set DataProtection__KeysPath to share it)"
                : "in memory only (set DataProtection__KeysPath: sessions will not survive a restart)";
}
