using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>
/// When WeChat stops answering, stop asking for a while. Section "WeChat:CircuitBreaker"
/// (env: WeChat__CircuitBreaker__FailureThreshold, WeChat__CircuitBreaker__BreakDuration).
/// </summary>
public sealed class WeChatCircuitBreakerOptions
{
    public const string Section = "WeChat:CircuitBreaker";

    /// <summary>Consecutive transport failures, timeouts or 5xx answers that open the circuit.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 10;

    /// <summary>How long calls fail at once (503 wx_unavailable) before one trial call is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
