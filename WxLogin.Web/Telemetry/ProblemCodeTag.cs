using Microsoft.AspNetCore.Http.Features;
using WxLogin.Web.Errors;

namespace WxLogin.Web.Telemetry;

/// <summary>
/// Tags the framework's http.server.request.duration with the error code each answer carried
/// (<c>wxlogin.code</c>: code_invalid, wx_unavailable, rate_limited, …; absent on success), so outcomes are
/// counted by route, status and code without a counter of our own.
/// </summary>
public sealed class ProblemCodeTag(RequestDelegate next)
{
    public const string Name = "wxlogin.code";

    public async Task InvokeAsync(HttpContext http)
    {
        await next(http);
        // Read after the exception handler and the status-code pages, which write codes too.
        if (ProblemCode.Of(http) is { } code && http.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
        {
            metrics.Tags.Add(new(Name, code));
        }
    }
}
