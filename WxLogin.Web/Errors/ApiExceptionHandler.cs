using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Errors;

/// <summary>
/// The one map from an exception's type to the problem the client hears: our own
/// <see cref="ApiException"/> as it is, WeChat's failures through <see cref="WeChatErrorMap"/>, and the
/// failures the client caused below the controller (a body over the limit, broken framing, a body that
/// stalls, bytes that are not the declared charset, a form the reader refuses). Each is answered with its
/// status and code, without a stack trace; anything not in the map falls through to the next handler.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>
    /// Mapped exceptions that are not logged here (ThinkPHP's ignoreReport): a refusal the code decided
    /// on purpose, and WeChat's failures, which <see cref="WeChatClient"/> logs where it knows the cause.
    /// The rest of the map is logged in one Information line.
    /// </summary>
    private static readonly Type[] IgnoreReport = [typeof(ApiException), typeof(WeChatException)];

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ProblemFor(exception) is not { } error)
        {
            return false;
        }
        if (!IgnoreReport.Contains(exception.GetType()))
        {
            logger.LogInformation("Refused {Method} {Path} with {Status} {Code}: {Reason}",
                httpContext.Request.Method, httpContext.Request.Path, error.Status, error.Code, exception.Message);
        }
        if (!httpContext.Response.HasStarted)
        {
            await Problems.WriteAsync(httpContext, error);
        }
        return true;
    }

    /// <summary>The problem an exception answers as; null when it is not one the client can act on.</summary>
    public static ApiException? ProblemFor(Exception exception) => exception switch
    {
        ApiException api => api,
        WeChatException wechat => WeChatErrorMap.ToApiException(wechat),
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
                $"The request is malformed (framing, encoding or body): {bad.Message}"),
        },
        // The form reader's own limits and malformed forms.
        InvalidDataException => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
            "The form body is malformed or exceeds the form reader's limits."),
        // Bytes that are not the charset the Content-Type declares.
        DecoderFallbackException => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
            "The request body is not valid text in the charset its Content-Type declares."),
        _ => null,
    };
}
