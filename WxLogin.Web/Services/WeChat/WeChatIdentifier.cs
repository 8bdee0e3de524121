namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// What an openid or unionid from WeChat may look like (jscode2session's answer, decrypted user info):
/// 1 to 64 of A–Z a–z 0–9 _ - (WeChat's are 28 or 29). Anything else is not stored.
/// </summary>
public static class WeChatIdentifier
{
    public const int MaxLength = 64;

    public static bool IsValid(string value) =>
        value.Length is >= 1 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
