using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace WxLogin.Web.Errors;

/// <summary>
/// Builds every error body: RFC 9457 ProblemDetails through the framework's factory (so each has a
/// traceId) plus our stable "code".
/// </summary>
public static class Problems
{
    public static ProblemDetails Create(HttpContext http, ApiException error)
    {
        var factory = http.RequestServices.GetRequiredService<ProblemDetailsFactory>();
        var problem = factory.CreateProblemDetails(http, error.Status, detail: error.Message);
        problem.Extensions["code"] = error.Code;
        foreach (var (key, value) in error.Extensions)
        {
            problem.Extensions[key] = value;
        }
        ProblemCode.Remember(http, error.Code);
        return problem;
    }

    /// <summary>For MVC: filters and the model-state factory.</summary>
    public static ObjectResult Result(HttpContext http, ApiException error) =>
        new(Create(http, error)) { StatusCode = error.Status, ContentTypes = { "application/problem+json" } };

    /// <summary>For middleware that writes the response itself (rate limiter, exception handler).</summary>
    public static async Task WriteAsync(HttpContext http, ApiException error)
    {
        http.Response.StatusCode = error.Status;
        var writer = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = Create(http, error) });
    }

    /// <summary>Gives framework-made problems (404, 405, 415, ...) a code too, so every error body has one.</summary>
    public static void AddDefaultCode(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
        {
            StatusCodes.Status400BadRequest => ErrorCodes.InvalidRequest,
            StatusCodes.Status401Unauthorized => ErrorCodes.TokenMissing,
            StatusCodes.Status404NotFound => ErrorCodes.NotFound,
            StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
            StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
            StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
            _ => ErrorCodes.InternalError,
        });
        ProblemCode.Remember(context.HttpContext, context.ProblemDetails.Extensions["code"]);
    }
}
