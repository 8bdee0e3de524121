using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WxLogin.Web.Errors;
using WxLogin.Web.Filters;
using WxLogin.Web.Formatters;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;
using WxLogin.Web.Swagger;

namespace WxLogin.Web.Extensions;

/// <summary>Program.cs's registrations, one method per concern.</summary>
public static class HostingExtensions
{
    public static void AddWxLoginOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WeChatOptions>().BindConfiguration(WeChatOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WeChatOptions>, WeChatOptionsValidator>();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.Section)
            .Validate(proxies => proxies.IsValid(),
                "ForwardedHeaders:KnownProxies must list IP addresses and ForwardedHeaders:KnownNetworks CIDR ranges " +
                "(such as 10.0.0.0/24), comma-separated.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
    }

    /// <summary>
    /// The client's address and scheme as the reverse proxy saw them (X-Forwarded-For/-Proto), so the
    /// login rate limit and the logs see the real client. Only loopback and the configured proxies are believed.
    /// </summary>
    public static void AddWxLoginForwardedHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies.Value.Proxies())
            {
                forwarded.KnownProxies.Add(proxy);
            }
            foreach (var network in proxies.Value.Networks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
    }

    public static void AddWxLoginServices(this WebApplicationBuilder builder)
    {
        builder.AddWxLoginKeyRing();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddScoped<LoginService>();
        builder.Services.AddSingleton<AccessTokenProvider>();
        builder.Services.AddSingleton<WeChatDataCrypto>();
        builder.Services.AddScoped<UserService>();
        builder.Services.AddSingleton<CheckTokenFilter>();
    }

    public static void AddWxLoginApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddControllers(mvc =>
            {
                mvc.InputFormatters.Add(new FormBodyInputFormatter());
                mvc.Conventions.Add(new DevelopmentOnlyConvention(builder.Environment));
            });

        builder.AddWxLoginSwagger();
        // No "Server: Kestrel" banner on any answer.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
    }

    public static void UseWxLoginPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: everything after it sees the client, not the proxy
        app.UseWxLoginTelemetry();
        app.UseWxLoginErrors();
        app.UseWxLoginSwagger();
        app.MapControllers();
        app.MapWxLoginHealthChecks();
    }
}
