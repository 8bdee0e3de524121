using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>Our own tokens. Section "Auth" (env: Auth__TokenLifetime=7.00:00:00).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>How long a token issued at login stays valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Rejected codes (refused by shape, or code_invalid / code_used from WeChat) one client address may
    /// send in a minute; past that its logins answer 429 rate_limited until the minute ends. Successful
    /// logins are not counted.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RejectedCodesPerMinute { get; set; } = 20;

    /// <summary>
    /// Opt-in: how long [CheckToken] may answer from memory for a token it looked up (0 = off, the
    /// default). Exact within one instance; other instances may accept a revoked token this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.Zero;
}
