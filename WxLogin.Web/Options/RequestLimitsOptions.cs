using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>How long a request body may take to arrive. Section "Limits" (env: Limits__RequestBodyTimeout=00:00:10).</summary>
public sealed class RequestLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Kestrel's grace period for a request body: after it, a body arriving slower than 240 bytes a second
    /// (one that stalls) is refused 408 request_timeout and the connection closed. Kestrel wants more than a second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
