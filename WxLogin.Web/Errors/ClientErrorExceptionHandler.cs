using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics;

namespace WxLogin.Web.Errors;

/// <summary>
/// Failures the client caused, not us: a body over the limit, broken framing, a body that stalls, bytes
/// that are not the declared charset, a form the reader refuses, a client that hung up. Each is answered
/// with its status and code (when the client is still there) and logged in one line without a stack
/// trace; only what is left reaches <see cref="UnexpectedExceptionHandler"/>.
/// </summary>
public sealed class ClientErrorExceptionHandler(ILogger<ClientErrorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (IsHangUp(httpContext, exception))
        {
            logger.LogDebug("The client went away during {Method} {Path} ({Reason})",
                httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
            if (!httpContext.Response.HasStarted)
            {
                httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            }
            return true;
        }

        if (ToApiException(exception) is not { } error)
        {
            return false;
        }
        logger.LogInformation("Refused {Method} {Path} with {Status} {Code}: {Reason}",
            httpContext.Request.Method, httpContext.Request.Path, error.Status, error.Code, exception.Message);
        if (!httpContext.Response.HasStarted)
        {
            await Problems.WriteAsync(httpContext, error);
        }
        return true;
    }

    private static ApiException? ToApiException(Exception exception) => exception switch
    {
        // Kestrel's and IIS's body errors: over the size limit (413), too slow (408), bad framing (400).
        BadHttpRequestException bad => bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => new(bad.StatusCode, ErrorCodes.PayloadTooLarge,
                "The request body is larger than this endpoint accepts (login and profile: 4 KB; phone and userinfo: 32 KB)."),
            StatusCodes.Status408RequestTimeout => new(bad.StatusCode, ErrorCodes.RequestTimeout,
                "The request body arrived too slowly or stopped arriving."),
            StatusCodes.Status415UnsupportedMediaType => new(bad.StatusCode, ErrorCodes.UnsupportedMediaType,
                "The request body's media type or charset is not supported: send UTF-8 JSON or a UTF-8 form."),
            _ => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                "The request is malformed (framing, encoding or body): " + bad.Message),
        },
        // The form reader's own limits and malformed forms.
        InvalidDataException => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
            "The form body is malformed or exceeds the form reader's limits."),
        // Bytes that are not the charset the Content-Type declares.
        DecoderFallbackException => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
            "The request body is not valid text in the charset its Content-Type declares."),
        _ => null,
    };

    /// <summary>The client hung up: nobody is left to answer, and nothing went wrong on our side.</summary>
    private static bool IsHangUp(HttpContext httpContext, Exception exception) =>
        exception is ConnectionResetException or ConnectionAbortedException
        || (exception is OperationCanceledException or IOException && httpContext.RequestAborted.IsCancellationRequested);
}
