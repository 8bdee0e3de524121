using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WxLogin.Web.Options;

/// <summary>
/// The shape of the message-push settings (PushToken, EncodingAESKey), checked at start. Kept apart from
/// <see cref="WeChatOptionsValidator"/>: both run, each reports its own failures. Values are never echoed.
/// </summary>
public sealed partial class WeChatPushOptionsValidator : IValidateOptions<WeChatOptions>
{
    public const int EncodingAesKeyLength = 43;

    public ValidateOptionsResult Validate(string? name, WeChatOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.PushToken) && !TokenShape().IsMatch(options.PushToken))
        {
            failures.Add("WeChat:PushToken (env: WeChat__PushToken) must be 3 to 32 letters or digits, " +
                "the Token typed into the admin console (开发管理 → 开发设置 → 消息推送).");
        }
        if (!string.IsNullOrEmpty(options.EncodingAESKey))
        {
            if (AesKeyOf(options.EncodingAESKey) is null)
            {
                failures.Add($"WeChat:EncodingAESKey (env: WeChat__EncodingAESKey) must be exactly {EncodingAesKeyLength} " +
                    "characters of A-Z, a-z, 0-9, + and /, as the admin console generates it.");
            }
            if (string.IsNullOrEmpty(options.PushToken))
            {
                failures.Add("WeChat:EncodingAESKey is set but WeChat:PushToken is not: set WeChat__PushToken too, " +
                    "or remove the key.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Base64-decode(EncodingAESKey + "="): the 32-byte AES key; null when the key has the wrong shape.</summary>
    public static byte[]? AesKeyOf(string encodingAesKey)
    {
        if (encodingAesKey.Length != EncodingAesKeyLength || !AesKeyShape().IsMatch(encodingAesKey))
        {
            return null;
        }
        try
        {
            var key = Convert.FromBase64String(encodingAesKey + "=");
            return key.Length == 32 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]{3,32}$")]
    private static partial Regex TokenShape();

    [GeneratedRegex("^[A-Za-z0-9+/]+$")]
    private static partial Regex AesKeyShape();
}
