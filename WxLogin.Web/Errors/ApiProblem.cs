namespace WxLogin.Web.Errors;

/// <summary>
/// Every error body: application/problem+json (RFC 9457) with our stable code and a traceId. Clients
/// switch on code, never on detail. (Documentation only: Problems writes these as ProblemDetails.)
/// </summary>
/// <param name="Type">A URI naming the kind of problem (the RFC's section for the status).</param>
/// <param name="Title">The status in words.</param>
/// <param name="Status">The HTTP status, repeated.</param>
/// <param name="Detail">What went wrong and what to do, for humans; may change between versions.</param>
/// <param name="TraceId">Quote it when reporting a problem: the server log has the same id.</param>
/// <param name="Code">The stable error code (docs/errors.md lists them all).</param>
/// <param name="Errcode">WeChat's errcode; only with code wx_error.</param>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, string TraceId, string Code, int? Errcode);
