using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace WxLogin.Web.Errors;

/// <summary>
/// Builds every error body: RFC 9457 ProblemDetails through the framework's factory (so each has a
/// traceId) plus our stable "code".
/// </summary>
public static class Problems
{
    // The type of each status we answer: the RFC's section, as the framework's own tables give it where they have one.
    private static readonly Dictionary<int, string> TypeLinks = new()
    {
        [StatusCodes.Status400BadRequest] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        [StatusCodes.Status401Unauthorized] = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        [StatusCodes.Status403Forbidden] = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        [StatusCodes.Status404NotFound] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        [StatusCodes.Status405MethodNotAllowed] = "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        [StatusCodes.Status408RequestTimeout] = "https://tools.ietf.org/html/rfc9110#section-15.5.9",
        [StatusCodes.Status413PayloadTooLarge] = "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        [StatusCodes.Status415UnsupportedMediaType] = "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        [StatusCodes.Status429TooManyRequests] = "https://tools.ietf.org/html/rfc6585#section-4",
        [StatusCodes.Status500InternalServerError] = "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        [StatusCodes.Status502BadGateway] = "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        [StatusCodes.Status503ServiceUnavailable] = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
    };

    /// <summary>A detail for the framework's own answers, which come without one.</summary>
    public static readonly IReadOnlyDictionary<int, string> DefaultDetails = new Dictionary<int, string>
    {
        [StatusCodes.Status404NotFound] = "Nothing is at this path. The API is listed at /swagger.",
        [StatusCodes.Status405MethodNotAllowed] = "This path does not take this HTTP method. The API is listed at /swagger.",
        [StatusCodes.Status415UnsupportedMediaType] = "The request body's media type or charset is not supported: send UTF-8 JSON or a UTF-8 form.",
    };

    /// <summary>The type every answer of this status carries.</summary>
    public static string TypeFor(int status) => TypeLinks.GetValueOrDefault(status, "about:blank");

    /// <summary>The title every answer of this status carries, before translation: the reason phrase.</summary>
    public static string TitleFor(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

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

    /// <summary>
    /// Runs for every problem, ours and the framework's (404, 405, 415, ...): each gets a code, the type
    /// and title of its status (<see cref="TypeFor"/>, <see cref="TitleFor"/>: Swagger's examples show the
    /// same), a detail, and title and detail in the request's language. It may run twice for one problem
    /// (the factory, then the writer), so each step gives the same result the second time.
    /// </summary>
    public static void AddDefaults(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var texts = context.HttpContext.RequestServices.GetRequiredService<ProblemTexts>();
        problem.Title = texts.Translate(TitleFor(status));
        problem.Detail = problem.Detail is { } detail ? texts.Translate(detail)
            : DefaultDetails.TryGetValue(status, out var fallback) ? texts.Translate(fallback) : null;
        problem.Type = TypeFor(status);
        problem.Extensions.TryAdd("code", status switch
        {
            StatusCodes.Status400BadRequest => ErrorCodes.InvalidRequest,
            StatusCodes.Status401Unauthorized => ErrorCodes.TokenMissing,
            StatusCodes.Status404NotFound => ErrorCodes.NotFound,
            StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
            StatusCodes.Status408RequestTimeout => ErrorCodes.RequestTimeout,
            StatusCodes.Status413PayloadTooLarge => ErrorCodes.PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
            StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
            _ => ErrorCodes.InternalError,
        });
        ProblemCode.Remember(context.HttpContext, context.ProblemDetails.Extensions["code"]);
    }
}
