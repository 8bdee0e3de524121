using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using WxLogin.Web.Options;
using WxLogin.Web.Telemetry;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// The circuit breaker in front of WeChat (singleton, shared by every call): after
/// <see cref="WeChatCircuitBreakerOptions.FailureThreshold"/> consecutive failures (no answer, a timeout,
/// an HTTP 5xx) it opens, and calls fail at once for <see cref="WeChatCircuitBreakerOptions.BreakDuration"/>.
/// Then exactly one trial call goes through: its success closes the circuit, its failure opens it again.
/// An errcode is an answer: WeChat is up, so it counts as a success here.
/// </summary>
/// <remarks>
/// Polly's breaker counts a failure ratio over a sampling window; this one counts consecutive failures,
/// which is what the operator's setting says. Nothing is retried: a code WeChat may have consumed cannot be.
/// </remarks>
public sealed class WeChatCircuitBreaker
{
    private readonly IOptions<WeChatCircuitBreakerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WeChatCircuitBreaker> _logger;
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil; // null: closed
    private bool _trialInFlight;

    public WeChatCircuitBreaker(IOptions<WeChatCircuitBreakerOptions> options, TimeProvider time, IMeterFactory meters,
        ILogger<WeChatCircuitBreaker> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        meters.Create(WxLoginMetrics.MeterName).CreateObservableGauge("wxlogin.wechat.circuit_open", () => IsOpen ? 1 : 0,
            description: "1 while the WeChat circuit breaker makes calls fail at once, else 0.");
    }

    /// <summary>True while calls fail at once (open, or half-open with the trial call under way).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is { } until && (_time.GetUtcNow() < until || _trialInFlight);
            }
        }
    }

    /// <summary>
    /// Whether a call may go to WeChat now. Closed: yes. Open: no. Half-open (the break is over): yes for
    /// one caller, the trial (<paramref name="isTrial"/>), and no for the others until it has an outcome.
    /// </summary>
    public bool TryEnter(out bool isTrial)
    {
        isTrial = false;
        lock (_gate)
        {
            if (_openUntil is not { } until)
            {
                return true;
            }
            if (_time.GetUtcNow() < until || _trialInFlight)
            {
                return false;
            }
            _trialInFlight = true;
            isTrial = true;
            return true;
        }
    }

    /// <summary>WeChat answered (whatever the errcode).</summary>
    public void Succeeded(bool isTrial)
    {
        lock (_gate)
        {
            if (isTrial)
            {
                _trialInFlight = false;
                _openUntil = null;
                _logger.LogInformation("WeChat circuit breaker closed: the trial call was answered");
            }
            if (_openUntil is null)
            {
                _consecutiveFailures = 0;
            }
        }
    }

    /// <summary>No answer, a timeout or an HTTP 5xx.</summary>
    public void Failed(bool isTrial)
    {
        lock (_gate)
        {
            if (isTrial)
            {
                _trialInFlight = false;
                Open("the trial call failed");
            }
            else if (_openUntil is null && ++_consecutiveFailures >= _options.Value.FailureThreshold)
            {
                Open($"{_consecutiveFailures} calls in a row failed");
            }
            // Otherwise the circuit is already open: calls that started before it opened change nothing.
        }
    }

    /// <summary>The call ended without an outcome (the caller gave up): the trial, if it was one, goes to the next caller.</summary>
    public void Abandoned(bool isTrial)
    {
        if (isTrial)
        {
            lock (_gate)
            {
                _trialInFlight = false;
            }
        }
    }

    private void Open(string why)
    {
        var breakDuration = _options.Value.BreakDuration;
        _openUntil = _time.GetUtcNow() + breakDuration;
        _consecutiveFailures = 0;
        _logger.LogWarning("WeChat circuit breaker opened: {Why}; WeChat calls fail at once (503 wx_unavailable) for {BreakDuration}, then one trial call decides",
            why, breakDuration);
    }
}
