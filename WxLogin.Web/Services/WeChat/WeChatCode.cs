using WxLogin.Web.Errors;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// The shape every one-time WeChat code (wx.login's, the getPhoneNumber button's) must have before we
/// pass it on. Real codes are 32 or so URL-safe characters; anything else would only waste a call on
/// the AppId's quota (and count against the client's address, see RejectedCodeLimiter).
/// </summary>
public static class WeChatCode
{
    /// <summary>WeChat's codes are short; anything longer is not one.</summary>
    public const int MaxLength = 128;

    /// <summary>Returns the code, or throws invalid_request unless it is 1–128 of A–Z a–z 0–9 . _ ~ -.</summary>
    public static string EnsureWellFormed(string code) =>
        IsWellFormed(code)
            ? code
            : throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                $"The code must be 1 to {MaxLength} characters of A-Z, a-z, 0-9, '.', '_', '~' and '-', as wx.login gives it.");

    public static bool IsWellFormed(string code) =>
        code.Length is > 0 and <= MaxLength && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-');
}
