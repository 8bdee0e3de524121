using Microsoft.AspNetCore.Diagnostics;
using WxLogin.Web.Data;

namespace WxLogin.Web.Errors;

/// <summary>
/// A database that cannot serve (disk full, read-only, file gone, locked, server unreachable) is
/// 503 storage_unavailable with one log line naming the cause, not 500 with a stack trace. Anything
/// else falls through to the next handler (<see cref="ErrorHandlingExtensions"/> gives the order).
/// </summary>
public sealed class StorageFaultHandler(StorageFaults faults, ILogger<StorageFaultHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (faults.Describe(exception) is not { } cause)
        {
            return false;
        }
        if (faults.IsLockTimeout(exception))
        {
            logger.LogWarning("Storage busy on {Method} {Path}: {Cause}", httpContext.Request.Method, httpContext.Request.Path, cause);
        }
        else
        {
            logger.LogError("Storage unavailable on {Method} {Path}: {Cause}", httpContext.Request.Method, httpContext.Request.Path, cause);
            faults.AfterFault(exception);
        }
        await Problems.WriteAsync(httpContext, LoginStore.Unavailable());
        return true;
    }
}
