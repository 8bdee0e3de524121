using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>
/// When WeChat stops answering, stop asking for a while. Section "WeChat:CircuitBreaker"
/// (env: WeChat__CircuitBreaker__FailureThreshold, __BreakDuration, __SamplingDuration).
/// </summary>
public sealed class WeChatCircuitBreakerOptions
{
    public const string Section = "WeChat:CircuitBreaker";

    /// <summary>
    /// Transport failures, timeouts or 5xx answers that open the circuit when no call was answered between
    /// them within <see cref="SamplingDuration"/>. At least 2: the breaker's statistics need two calls.
    /// </summary>
    [Range(2, 1000)]
    public int FailureThreshold { get; set; } = 10;

    /// <summary>How long calls fail at once (503 wx_unavailable) before one trial call is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a call's outcome counts: older failures are forgotten, and so is an older answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);
}
