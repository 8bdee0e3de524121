using System.Text;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// UTF-8 that throws (<see cref="DecoderFallbackException"/>) on bytes that are not UTF-8, so a garbled
/// answer, push body or plaintext is refused instead of slipping through with replacement characters.
/// </summary>
public static class StrictUtf8
{
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
