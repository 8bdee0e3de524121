using Microsoft.AspNetCore.Mvc.Controllers;
using WxLogin.Web.Controllers;
using WxLogin.Web.Errors;

namespace WxLogin.Web.Telemetry;

/// <summary>
/// Counts what every request ended as, from outside the pipeline (so the rejected-code limit's, the body
/// limits' and the exception handler's answers count too): each login's outcome (ok or the error code) in
/// wxlogin.logins, and each 429 rate_limited in wxlogin.rate_limited.
/// </summary>
public sealed class OutcomeMetricsMiddleware(RequestDelegate next, WxLoginMetrics metrics)
{
    public async Task InvokeAsync(HttpContext http)
    {
        // Read now: the exception handler clears the endpoint before it writes its answer.
        var endpoint = http.GetEndpoint();
        await next(http);

        var code = ProblemCode.Of(http);
        if (IsLogin(endpoint))
        {
            if (http.Response.StatusCode is >= 200 and < 300)
            {
                metrics.LoginFinished(WxLoginMetrics.Ok);
            }
            else if (code is not null)
            {
                metrics.LoginFinished(code);
            }
            // No code and no success: the client hung up before an answer; there is no outcome to count.
        }
        if (code == ErrorCodes.RateLimited)
        {
            metrics.RateLimited(PolicyOf(endpoint));
        }
    }

    private static bool IsLogin(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ControllerActionDescriptor>() is { } action &&
        action.ControllerTypeInfo.AsType() == typeof(UserController) &&
        action.ActionName == nameof(UserController.Login);

    /// <summary>The limited action's name ("login", the one action [LimitRejectedCodes] guards today).</summary>
    private static string PolicyOf(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ControllerActionDescriptor>()?.ActionName.ToLowerInvariant() ?? "global";
}
