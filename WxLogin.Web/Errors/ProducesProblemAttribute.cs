namespace WxLogin.Web.Errors;

/// <summary>
/// Documents an error answer of an action for Swagger UI: the status and the <see cref="ErrorCodes"/>
/// it can carry, e.g. <c>[ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.CodeMissing, ErrorCodes.InvalidRequest)]</c>.
/// The answers every action shares (401 for [CheckToken], 429 for a rate limit, the body limits, 500, 503
/// storage) are added by <see cref="Swagger.ProblemResponsesOperationFilter"/> and need no attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class ProducesProblemAttribute(int status, params string[] codes) : Attribute
{
    public int Status { get; } = status;

    public IReadOnlyList<string> Codes { get; } = codes;
}
