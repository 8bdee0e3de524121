using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>How WxLogin reaches WeChat. Section "WeChat" (env: WeChat__AppId, WeChat__AppSecret, ...).</summary>
public sealed class WeChatOptions
{
    public const string Section = "WeChat";

    public string AppId { get; set; } = "";

    /// <summary>Never logged, never returned: it only travels in the jscode2session query string.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>WeChat's API root, with or without a trailing slash.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.weixin.qq.com");

    /// <summary>Live calls WeChat; Emulator answers in-process, for development and tests.</summary>
    public WeChatMode Mode { get; set; } = WeChatMode.Live;

    /// <summary>How long one call to WeChat may take before the login answers wx_unavailable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The Token of the admin console's message push (消息推送): 3 to 32 letters or digits. Unset: the
    /// /api/wechat/events route answers 404. A shared secret: never logged.
    /// </summary>
    public string? PushToken { get; set; }

    /// <summary>The console's EncodingAESKey (43 characters). Set: only safe-mode (encrypted) pushes are accepted.</summary>
    public string? EncodingAESKey { get; set; }
}

public enum WeChatMode
{
    Live,
    Emulator,
}
