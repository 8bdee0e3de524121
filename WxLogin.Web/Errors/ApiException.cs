namespace WxLogin.Web.Errors;

/// <summary>
/// An error the client can act on: an HTTP status, our stable <see cref="Code"/> and a detail
/// for humans. <see cref="ApiExceptionHandler"/> turns it into ProblemDetails.
/// </summary>
public sealed class ApiException(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    /// <summary>Further fields for the error body, such as WeChat's errcode.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}
