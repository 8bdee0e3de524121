using Microsoft.AspNetCore.Diagnostics;

namespace WxLogin.Web.Errors;

/// <summary>Unexpected errors: logged with their stack trace, answered 500 internal_error without it.</summary>
public sealed class UnexpectedExceptionHandler(ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware stays silent about exceptions a handler takes, so this is the one log line.
        logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        await Problems.WriteAsync(httpContext, new ApiException(
            StatusCodes.Status500InternalServerError,
            ErrorCodes.InternalError,
            "An unexpected error occurred. Quote the traceId when reporting it."));
        return true;
    }
}
