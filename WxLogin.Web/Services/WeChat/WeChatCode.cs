using WxLogin.Web.Errors;

namespace WxLogin.Web.Services.WeChat;

/// <summary>The shape every one-time WeChat code (wx.login's, the getPhoneNumber button's) must have before we pass it on.</summary>
public static class WeChatCode
{
    /// <summary>WeChat's codes are short; anything longer is not one.</summary>
    public const int MaxLength = 128;

    /// <summary>Returns the code, or throws invalid_request when it is too long or holds control characters.</summary>
    public static string EnsureWellFormed(string code) =>
        code.Length > MaxLength || code.Any(char.IsControl)
            ? throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                $"The code must be at most {MaxLength} characters without control characters.")
            : code;
}
