using Microsoft.AspNetCore.Mvc.Filters;
using WxLogin.Web.Errors;
using WxLogin.Web.Filters;

namespace WxLogin.Web.Telemetry;

/// <summary>
/// Counts [CheckToken]'s verdicts in wxlogin.token_checks without touching the check: it wraps it
/// (a lower order runs outside) and reads the answer. token_missing or token_invalid is that outcome;
/// anything else means the check let the request through: ok.
/// </summary>
public sealed class TokenCheckMetricsFilter(WxLoginMetrics metrics) : IAsyncActionFilter
{
    /// <summary>Outside [CheckToken] (-3000): a filter of lower order runs first and ends last.</summary>
    public const int FilterOrder = -3100;

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        if (!context.ActionDescriptor.EndpointMetadata.OfType<CheckTokenAttribute>().Any())
        {
            await next();
            return;
        }
        await next();
        var code = ProblemCode.Of(context.HttpContext);
        metrics.TokenChecked(code is ErrorCodes.TokenMissing or ErrorCodes.TokenInvalid ? code : WxLoginMetrics.Ok);
    }
}
