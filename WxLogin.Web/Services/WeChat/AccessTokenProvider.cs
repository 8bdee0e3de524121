namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// WeChat's access_token for this process (singleton): fetched with stable_token (never force_refresh),
/// cached until its expires_in minus a margin, one fetch at a time (concurrent callers await the same
/// fetch), and refetched once when an API call says the token is no longer good.
/// </summary>
/// <remarks>
/// Holding the typed WeChat client for the process's life is safe: its primary handler is a
/// SocketsHttpHandler with a PooledConnectionLifetime, so DNS changes are still picked up.
/// </remarks>
public sealed class AccessTokenProvider(IWeChatClient wechat, TimeProvider time, ILogger<AccessTokenProvider> logger)
{
    /// <summary>The most a token is dropped before WeChat's expiry, to cover clock skew and the call's own time.</summary>
    public static readonly TimeSpan MaxExpiryMargin = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private CachedToken? _cached;
    private Task<CachedToken>? _fetch;

    /// <summary>
    /// Runs <paramref name="call"/> with the current token. When WeChat answers that the token is
    /// invalid or expired (40001, 40014, 42001), the token is dropped (unless another caller already
    /// replaced it), fetched once more and the call retried once; a second refusal is thrown.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<string, Task<T>> call, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken);
        try
        {
            return await call(token);
        }
        catch (WeChatException ex) when (IsTokenRefused(ex.ErrCode))
        {
            logger.LogWarning("WeChat {Api} refused the access token (errcode {ErrCode}); fetching once more and retrying once",
                ex.Api, ex.ErrCode);
            Forget(token);
            return await call(await GetTokenAsync(cancellationToken));
        }
    }

    /// <summary>The cached token, or the result of the one fetch in flight (started if none is).</summary>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        Task<CachedToken> fetch;
        lock (_gate)
        {
            if (_cached is { } cached && time.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Value;
            }
            // Task.Run: the fetch must not complete inline while this lock is held (it takes the lock to finish).
            // It runs without the caller's token, so one caller giving up does not fail the others.
            fetch = _fetch ??= Task.Run(FetchAsync, CancellationToken.None);
        }
        return (await fetch.WaitAsync(cancellationToken)).Value;
    }

    /// <summary>Drops the cached token if it is still <paramref name="refused"/>; a newer one stays.</summary>
    private void Forget(string refused)
    {
        lock (_gate)
        {
            if (_cached?.Value == refused)
            {
                _cached = null;
            }
        }
    }

    private async Task<CachedToken> FetchAsync()
    {
        CachedToken? fetched = null;
        try
        {
            var answer = await wechat.GetStableAccessTokenAsync(CancellationToken.None);
            // expires_in can be as low as 300 s: the margin shrinks with it, so a short-lived token is still cached.
            var margin = TimeSpan.FromTicks(Math.Min(MaxExpiryMargin.Ticks, answer.ExpiresIn.Ticks / 5));
            fetched = new CachedToken(answer.Value, time.GetUtcNow() + answer.ExpiresIn - margin);
            logger.LogInformation("Fetched a WeChat access token valid for {ExpiresIn}", answer.ExpiresIn);
            return fetched;
        }
        finally
        {
            lock (_gate)
            {
                // A failed fetch caches nothing: the next caller starts a new one.
                _cached = fetched ?? _cached;
                _fetch = null;
            }
        }
    }

    private static bool IsTokenRefused(int errCode) => errCode is 40001 or 40014 or 42001;

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);
}
