using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data;

/// <summary>
/// Opt-in (Auth:TokenCacheLifetime above zero; off by default): remembers what [CheckToken] found for
/// a token digest for at most that long, so a busy token skips the database. In this process
/// revocation stays exact: every write that revokes or replaces a token, or changes or deletes a user,
/// calls <see cref="Forget"/> before it answers. Other instances of a SQL Server deployment do not
/// hear of it: there a logged-out or replaced token may keep working for up to the lifetime.
/// </summary>
public sealed class TokenCache(IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Beyond this many entries the cache starts over, so memory stays bounded.</summary>
    internal const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _byDigest = new();
    private readonly ConcurrentDictionary<int, string> _digestByUser = new(); // a user has one token at a time
    private readonly ConcurrentDictionary<int, long> _forgottenAt = new();
    private readonly TimeSpan _lifetime = options.Value.TokenCacheLifetime;

    public bool Enabled => _lifetime > TimeSpan.Zero;

    /// <summary>A timestamp to pass to <see cref="Remember"/>, taken before the database is asked.</summary>
    public long Now() => time.GetTimestamp();

    public UserSnapshot? Find(byte[] digest)
    {
        if (!Enabled || !_byDigest.TryGetValue(Convert.ToBase64String(digest), out var entry))
        {
            return null;
        }
        if (time.GetElapsedTime(entry.CachedAt) < _lifetime)
        {
            return entry.User;
        }
        _byDigest.TryRemove(Convert.ToBase64String(digest), out _);
        return null;
    }

    /// <summary>Keeps a lookup that started at <paramref name="lookupStartedAt"/>, unless the user was forgotten since.</summary>
    public void Remember(byte[] digest, UserSnapshot user, long lookupStartedAt)
    {
        if (!Enabled)
        {
            return;
        }
        if (_byDigest.Count >= MaxEntries)
        {
            _byDigest.Clear();
            _digestByUser.Clear();
            PruneForgotten();
        }
        var key = Convert.ToBase64String(digest);
        _byDigest[key] = new Entry(user, lookupStartedAt);
        _digestByUser[user.Id] = key;
        // Forget sets its mark before it removes; checking after adding closes the gap between the two.
        if (_forgottenAt.TryGetValue(user.Id, out var forgotten) && forgotten >= lookupStartedAt)
        {
            _byDigest.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// THE revocation hook: call after a user's token was revoked or replaced, or the user changed or
    /// was deleted, and before answering. Every cached token of that user is forgotten at once.
    /// </summary>
    public void Forget(int userId)
    {
        if (!Enabled)
        {
            return;
        }
        _forgottenAt[userId] = time.GetTimestamp();
        if (_digestByUser.TryRemove(userId, out var key))
        {
            _byDigest.TryRemove(key, out _);
        }
    }

    private void PruneForgotten()
    {
        foreach (var (userId, at) in _forgottenAt)
        {
            if (time.GetElapsedTime(at) >= _lifetime)
            {
                _forgottenAt.TryRemove(userId, out _);
            }
        }
    }

    private sealed record Entry(UserSnapshot User, long CachedAt);
}
