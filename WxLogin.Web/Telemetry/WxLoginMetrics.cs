using System.Diagnostics.Metrics;
using System.Globalization;

namespace WxLogin.Web.Telemetry;

/// <summary>
/// WxLogin's own instruments, on the "WxLogin" meter (exported at /metrics). The names are a contract:
/// dashboards are built on them. No tag ever carries a user, an openid, a token or an address.
/// </summary>
public sealed class WxLoginMetrics
{
    public const string MeterName = "WxLogin";

    /// <summary>The outcome of a login or token check that succeeded; failures carry their error code.</summary>
    public const string Ok = "ok";

    private readonly Counter<long> _logins;
    private readonly Counter<long> _tokenChecks;
    private readonly Counter<long> _wechatRequests;
    private readonly Histogram<double> _wechatDuration;
    private readonly Counter<long> _rateLimited;

    public WxLoginMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _logins = meter.CreateCounter<long>("wxlogin.logins",
            description: "Answers to POST /api/user/login, by outcome: ok or the error code.");
        _tokenChecks = meter.CreateCounter<long>("wxlogin.token_checks",
            description: "[CheckToken] checks, by outcome: ok, token_missing, token_invalid, token_replaced.");
        _wechatRequests = meter.CreateCounter<long>("wxlogin.wechat.requests",
            description: "Calls sent to WeChat, by api and errcode (0 success, -1 no usable answer).");
        _wechatDuration = meter.CreateHistogram("wxlogin.wechat.duration", unit: "s",
            description: "How long calls to WeChat took, by api.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _rateLimited = meter.CreateCounter<long>("wxlogin.rate_limited",
            description: "Requests refused with 429 rate_limited, by policy.");
    }

    public void LoginFinished(string outcome) => _logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void TokenChecked(string outcome) => _tokenChecks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void WeChatCalled(string api, int errCode, TimeSpan duration)
    {
        var apiTag = new KeyValuePair<string, object?>("api", api);
        _wechatRequests.Add(1, apiTag, new KeyValuePair<string, object?>("errcode", errCode.ToString(CultureInfo.InvariantCulture)));
        _wechatDuration.Record(duration.TotalSeconds, apiTag);
    }
}
