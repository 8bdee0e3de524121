using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data;

/// <summary>
/// Opt-in (Auth:TokenCacheLifetime above zero; off by default): remembers what [CheckToken] found for
/// a token digest for at most that long, so a busy token skips the database. In this process
/// revocation stays exact: every write that revokes or replaces a token, or changes or deletes a user,
/// calls <see cref="Forget"/> before it answers. Other instances (or another process on the same
/// SQLite file) do not hear of it: there a logged-out, replaced or deleted token may keep being
/// answered, with that user's data, for up to the lifetime. Hence: one instance only.
/// </summary>
public sealed class TokenCache : IDisposable
{
    /// <summary>At most this many tokens; past it MemoryCache evicts the least recently used few, never all at once.</summary>
    internal const int MaxEntries = 100_000;

    private readonly MemoryCache _byDigest;
    private readonly MemoryCache _forgottenAt; // user id → when Forget last ran; kept one lifetime, never evicted for size
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public TokenCache(IOptions<AuthOptions> options, TimeProvider time)
        : this(options, time, MaxEntries)
    {
    }

    internal TokenCache(IOptions<AuthOptions> options, TimeProvider time, int maxEntries)
    {
        _time = time;
        _lifetime = options.Value.TokenCacheLifetime;
        _byDigest = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries });
        _forgottenAt = new MemoryCache(new MemoryCacheOptions());
    }

    public bool Enabled => _lifetime > TimeSpan.Zero;

    /// <summary>A timestamp to pass to <see cref="Remember"/>, taken before the database is asked.</summary>
    public long Now() => _time.GetTimestamp();

    /// <summary>
    /// The user found for this digest, unless that lookup is older than the lifetime or started before
    /// the user was last forgotten: then null, and the caller asks the database.
    /// </summary>
    public UserSnapshot? Find(byte[] digest)
    {
        if (!Enabled || !_byDigest.TryGetValue(Convert.ToBase64String(digest), out Entry? entry) || entry is null)
        {
            return null;
        }
        // The injected clock decides (MemoryCache's own expiry only frees the memory).
        if (_time.GetElapsedTime(entry.CachedAt) < _lifetime
            && !(_forgottenAt.TryGetValue(entry.User.Id, out long forgotten) && forgotten >= entry.CachedAt))
        {
            return entry.User;
        }
        _byDigest.Remove(Convert.ToBase64String(digest));
        return null;
    }

    /// <summary>Keeps a lookup that started at <paramref name="lookupStartedAt"/>; <see cref="Find"/> drops it if the user was forgotten since.</summary>
    public void Remember(byte[] digest, UserSnapshot user, long lookupStartedAt)
    {
        if (!Enabled)
        {
            return;
        }
        _byDigest.Set(Convert.ToBase64String(digest), new Entry(user, lookupStartedAt),
            new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
    }

    /// <summary>
    /// THE revocation hook: call after a user's token was revoked or replaced, or the user changed or
    /// was deleted, and before answering. Every token of that user cached before now stops being served.
    /// </summary>
    public void Forget(int userId)
    {
        if (!Enabled)
        {
            return;
        }
        _forgottenAt.Set(userId, _time.GetTimestamp(), _lifetime);
    }

    public void Dispose()
    {
        _byDigest.Dispose();
        _forgottenAt.Dispose();
    }

    private sealed record Entry(UserSnapshot User, long CachedAt);
}
