using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Errors;

/// <summary>The one place that says what a WeChat errcode means for our client.</summary>
public static class WeChatErrorMap
{
    public static ApiException ToApiException(WeChatException exception) => exception.ErrCode switch
    {
        40029 => new(StatusCodes.Status400BadRequest, ErrorCodes.CodeInvalid,
            "The code is invalid or expired (codes live 5 minutes). Call wx.login again."),
        40163 => new(StatusCodes.Status400BadRequest, ErrorCodes.CodeUsed,
            "The code was already used (codes are single use). Call wx.login again."),
        45011 => new(StatusCodes.Status429TooManyRequests, ErrorCodes.WxRateLimited,
            "WeChat is rate limiting this user. Slow down and retry later."),
        40226 => new(StatusCodes.Status403Forbidden, ErrorCodes.WxUserBlocked,
            "WeChat blocked this login as high risk."),
        WeChatException.Busy => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.WxUnavailable,
            "WeChat is unavailable right now. Retry later with a new code."),
        40013 or 40125 or 41002 or 41004 => new(StatusCodes.Status500InternalServerError, ErrorCodes.WxMisconfigured,
            "The server's WeChat configuration is wrong. The details are in the server log."),
        _ => new(StatusCodes.Status502BadGateway, ErrorCodes.WxError,
            $"WeChat answered errcode {exception.ErrCode}.",
            new Dictionary<string, object?> { ["errcode"] = exception.ErrCode }),
    };
}
