using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Net.Http.Headers;
using WxLogin.Web.Errors;

namespace WxLogin.Web.Formatters;

/// <summary>
/// Refuses, before anything reads the body, a charset we do not read: forms must be UTF-8, JSON UTF-8 or
/// UTF-16 (what the JSON reader supports). Otherwise the runtime's decoder throws (utf-7 is disabled in
/// .NET) or guesses. 415 unsupported_media_type.
/// </summary>
public sealed class BodyCharsetFilter : IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var request = context.HttpContext.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !contentType.Charset.HasValue)
        {
            return;
        }
        var charset = contentType.Charset.Value!.Trim('"');
        var readable = string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
            || (!request.HasFormContentType && string.Equals(charset, "utf-16", StringComparison.OrdinalIgnoreCase));
        if (!readable)
        {
            context.Result = Problems.Result(context.HttpContext, new ApiException(
                StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                $"charset={charset} is not supported: send UTF-8 (JSON may also be UTF-16)."));
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
