using Microsoft.AspNetCore.Diagnostics;

namespace WxLogin.Web.Errors;

/// <summary>
/// A client that hung up: nobody is left to answer and nothing went wrong on our side, whatever the
/// exception says. Decided by <see cref="HttpContext.RequestAborted"/>, not by the exception's type:
/// SqlClient throws SqlException ("Operation cancelled by user") and Npgsql its own when the request's
/// token cancels a command. Logged at Debug, as ASP.NET Core logs the aborted requests it sees itself.
/// </summary>
public sealed class AbortedRequestHandler(ILogger<AbortedRequestHandler> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.RequestAborted.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }
        logger.LogDebug("The client went away during {Method} {Path} ({Reason})",
            httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        if (!httpContext.Response.HasStarted)
        {
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
        }
        return ValueTask.FromResult(true);
    }
}
