using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using WxLogin.Web.Options;
using WxLogin.Web.Telemetry;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// The circuit breaker in front of WeChat (singleton, shared by every call): Polly's, with a failure ratio of
/// 1.0, so it opens once <see cref="WeChatCircuitBreakerOptions.FailureThreshold"/> calls failed (no answer,
/// a timeout, an HTTP 5xx) and none was answered within <see cref="WeChatCircuitBreakerOptions.SamplingDuration"/>.
/// Open, calls fail at once (<see cref="BrokenCircuitException"/>) for
/// <see cref="WeChatCircuitBreakerOptions.BreakDuration"/>; then one trial call goes through while others still
/// fail at once: its answer closes the circuit, its failure opens it again.
/// </summary>
/// <remarks>
/// An errcode is an answer: WeChat is up. A call the caller gave up on tells nothing of WeChat, but Polly has
/// no "no outcome": it counts as an answer, so it cannot open the circuit (and, as the trial, closes it).
/// Nothing is retried: a code WeChat may have consumed cannot be.
/// </remarks>
public sealed class WeChatCircuitBreaker
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private volatile bool _trialRunning;

    public WeChatCircuitBreaker(IOptions<WeChatCircuitBreakerOptions> options, TimeProvider time, IMeterFactory meters,
        ILogger<WeChatCircuitBreaker> logger)
    {
        var settings = options.Value;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 1.0,
                MinimumThroughput = settings.FailureThreshold,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
                StateProvider = _state,
                OnHalfOpened = _ =>
                {
                    _trialRunning = true;
                    return default;
                },
                OnOpened = args =>
                {
                    var why = _trialRunning ? "the trial call failed" : $"{settings.FailureThreshold} calls in a row failed";
                    _trialRunning = false;
                    logger.LogWarning("WeChat circuit breaker opened: {Why}; WeChat calls fail at once (503 wx_unavailable) for {BreakDuration}, then one trial call decides",
                        why, args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    _trialRunning = false;
                    logger.LogInformation("WeChat circuit breaker closed: the trial call was answered");
                    return default;
                },
            })
            .Build();
        meters.Create(WxLoginMetrics.MeterName).CreateObservableGauge("wxlogin.wechat.circuit_open", () => IsOpen ? 1 : 0,
            description: "1 while the WeChat circuit breaker makes calls fail at once, else 0.");
    }

    /// <summary>True from the moment the circuit opens until a trial call is answered.</summary>
    private bool IsOpen => _state.CircuitState is not CircuitState.Closed;

    /// <summary>
    /// Sends through the breaker. Throws <see cref="BrokenCircuitException"/> without calling
    /// <paramref name="send"/> while the circuit is open; otherwise what <paramref name="send"/> gives or throws.
    /// </summary>
    public ValueTask<HttpResponseMessage> SendAsync(Func<CancellationToken, ValueTask<HttpResponseMessage>> send,
        CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(send, cancellationToken);

    /// <summary>
    /// WeChat did not answer: no connection, the answer broke off, HttpClient's timeout, or an HTTP 5xx. An
    /// answer over the size limit was an answer (a bad one), and a caller's cancellation is not WeChat's failure.
    /// </summary>
    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => (int)outcome.Result!.StatusCode >= 500,
        HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } => false,
        HttpRequestException or IOException => true,
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };
}
