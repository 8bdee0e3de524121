using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using WxLogin.Web.Filters;
using WxLogin.Web.Formatters;
using WxLogin.Web.Options;
using WxLogin.Web.Services;

namespace WxLogin.Web.Extensions;

/// <summary>What keeps one client from costing us much: the rejected-code limit, body charsets and the request body timeout.</summary>
public static class AbuseLimits
{
    public static void AddWxLoginAbuseLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RejectedCodeLimiter>();
        builder.Services.AddSingleton<RejectedCodeLimitFilter>();

        builder.Services.Configure<MvcOptions>(mvc => mvc.Filters.Add(new BodyCharsetFilter()));

        builder.Services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        // A body that stalls holds a connection and a request: Kestrel ends it with a 408 (IIS has its own timeouts).
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: limits.Value.RequestBodyTimeout));
    }
}
