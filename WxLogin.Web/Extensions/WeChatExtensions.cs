using Microsoft.Extensions.Options;
using WxLogin.Web.Emulator;
using WxLogin.Web.Options;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Extensions;

/// <summary>The WeChat client: its HttpClient, its circuit breaker, the session_key protector, and the emulator in its place when asked.</summary>
public static class WeChatExtensions
{
    public static void AddWeChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WeChatCircuitBreakerOptions>().BindConfiguration(WeChatCircuitBreakerOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WeChatCircuitBreaker>();
        builder.Services.AddSingleton<SessionKeyProtector>();
        builder.Services.AddSingleton<WeChatEmulator>();
        builder.Services.AddHttpClient<IWeChatClient, WeChatClient>((services, http) =>
                WeChatClient.Configure(http, services.GetRequiredService<IOptions<WeChatOptions>>().Value))
            // These URLs carry secrets: jscode2session's the AppSecret, getuserphonenumber's the access_token.
            // .NET redacts query strings in the factory's logs, but one AppContext switch
            // (System.Net.Http.DisableUriRedaction) undoes that: log nothing here.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(services =>
                services.GetRequiredService<IOptions<WeChatOptions>>().Value.Mode == WeChatMode.Emulator
                    ? new WeChatEmulatorHandler(services.GetRequiredService<WeChatEmulator>())
                    : CreateLiveHandler());
    }

    /// <summary>
    /// The connection to WeChat: no redirects (an answer from another host is not WeChat's), and
    /// connections renewed every 5 minutes so DNS changes are seen.
    /// </summary>
    internal static SocketsHttpHandler CreateLiveHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
