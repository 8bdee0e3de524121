namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// WeChat said no, could not be reached, or was not asked. <see cref="ErrCode"/> is WeChat's errcode, or
/// one of two kinds of our own: <see cref="Busy"/> and <see cref="Unavailable"/>.
/// The message never holds the AppSecret, the session_key or the request URL.
/// </summary>
public sealed class WeChatException(int errCode, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>
    /// WeChat's own "system busy", and what a call carries that got no usable answer: a timeout, no
    /// connection, an HTTP 5xx or redirect, a body that is not a valid answer.
    /// </summary>
    public const int Busy = -1;

    /// <summary>
    /// The call was not sent: the circuit breaker is open (<see cref="WeChatCircuitBreaker"/>). Not a WeChat
    /// errcode (WeChat's are -1, 0 and positive), so no answer of WeChat's can be read as this.
    /// </summary>
    public const int Unavailable = int.MinValue;

    public int ErrCode { get; } = errCode;

    /// <summary>The WeChat API that failed (<see cref="WeChatClient.PhoneNumberApi"/>, ...), so the client can be told which code to renew.</summary>
    public string? Api { get; init; }
}
