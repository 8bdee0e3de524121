using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Errors;

/// <summary>What a WeChat errcode means for our client; <see cref="ApiExceptionHandler"/> is its one caller.</summary>
public static class WeChatErrorMap
{
    public static ApiException ToApiException(WeChatException exception) => exception.ErrCode switch
    {
        // Phone codes come from the getPhoneNumber button, login codes from wx.login: each says which to renew.
        40029 => new(StatusCodes.Status400BadRequest, ErrorCodes.CodeInvalid, IsPhoneCode(exception)
            ? "The code is invalid or expired (codes live 5 minutes). Ask the user to tap the phone-number button again for a new code."
            : "The code is invalid or expired (codes live 5 minutes). Call wx.login again."),
        40163 => new(StatusCodes.Status400BadRequest, ErrorCodes.CodeUsed, IsPhoneCode(exception)
            ? "The code was already used (codes are single use). Ask the user to tap the phone-number button again for a new code."
            : "The code was already used (codes are single use). Call wx.login again."),
        45011 => new(StatusCodes.Status429TooManyRequests, ErrorCodes.WxRateLimited,
            "WeChat is rate limiting this user. Slow down and retry later."),
        40226 => new(StatusCodes.Status403Forbidden, ErrorCodes.WxUserBlocked,
            "WeChat blocked this login as high risk."),
        WeChatException.Busy or WeChatException.Unavailable => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.WxUnavailable,
            "WeChat is unavailable right now. Retry later with a new code."),
        // Our access_token was refused even after one fresh fetch and one retry (AccessTokenProvider).
        40001 or 40014 or 42001 => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.WxUnavailable,
            "WeChat refused the server's access token. Retry later with a new code."),
        // 40164: the server's IP is not on the mini-program's API allowlist (access_token calls).
        40013 or 40125 or 41002 or 41004 or 40164 => new(StatusCodes.Status500InternalServerError, ErrorCodes.WxMisconfigured,
            "The server's WeChat configuration is wrong. The details are in the server log."),
        _ => new(StatusCodes.Status502BadGateway, ErrorCodes.WxError,
            $"WeChat answered errcode {exception.ErrCode}.",
            new Dictionary<string, object?> { ["errcode"] = exception.ErrCode }),
    };

    private static bool IsPhoneCode(WeChatException exception) => exception.Api == WeChatClient.PhoneNumberApi;
}
