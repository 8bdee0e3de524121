using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using WxLogin.Web.Errors;
using WxLogin.Web.Services;

namespace WxLogin.Web.Filters;

/// <summary>Marks the action whose rejected codes count against the client's address (the login).</summary>
public sealed class LimitRejectedCodesAttribute : ServiceFilterAttribute
{
    public LimitRejectedCodesAttribute() : base(typeof(RejectedCodeLimitFilter))
    {
        // Before [ApiController]'s model validation (-2000): a client that must wait hears so whatever it sends.
        Order = -3000;
    }
}

/// <summary>
/// 429 rate_limited with Retry-After while the client's address is over its rejected-code limit;
/// otherwise runs the action and counts its answer when the code was refused by shape or by WeChat.
/// </summary>
public sealed class RejectedCodeLimitFilter(RejectedCodeLimiter limiter) : IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var http = context.HttpContext;
        var client = RejectedCodeLimiter.ClientOf(http);
        if (limiter.RetryAfter(client) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            context.Result = Problems.Result(http, new ApiException(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Too many rejected codes from this address. Retry in {seconds} seconds with a fresh code from wx.login."));
            return;
        }

        var executed = await next();
        if (executed is { Exception: { } exception, ExceptionHandled: false } && IsRejectedCode(exception))
        {
            limiter.Record(client);
        }
    }

    /// <summary>
    /// A code refused by shape (the only invalid_request a login throws), or one WeChat said is invalid or
    /// used: read from the problem the error pipeline will answer, so WeChat's errcodes are mapped in one place.
    /// </summary>
    private static bool IsRejectedCode(Exception exception) =>
        ApiExceptionHandler.ProblemFor(exception)?.Code is ErrorCodes.InvalidRequest or ErrorCodes.CodeInvalid or ErrorCodes.CodeUsed;
}
