namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// WeChat said no, or could not be reached. <see cref="ErrCode"/> is WeChat's errcode; a transport
/// failure (timeout, 5xx, a body that is not JSON) carries -1, which is WeChat's own "busy".
/// The message never holds the AppSecret, the session_key or the request URL.
/// </summary>
public sealed class WeChatException(int errCode, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public const int Busy = -1;

    public int ErrCode { get; } = errCode;

    /// <summary>The WeChat API that failed (<see cref="WeChatClient.PhoneNumberApi"/>, ...), so the client can be told which code to renew.</summary>
    public string? Api { get; init; }
}
