using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>
/// The lookup behind every [CheckToken] request: the opt-in <see cref="TokenCache"/>, then the
/// provider's <see cref="TokenReader"/> (one indexed query, no change tracking, no session_key read).
/// </summary>
public sealed class UserTokenQuery(TokenReader reader, TokenCache cache)
{
    public async Task<UserSnapshot?> FindByTokenDigestAsync(byte[] digest, CancellationToken cancellationToken)
    {
        if (!cache.Enabled)
        {
            return await reader.FindAsync(digest, cancellationToken);
        }
        if (cache.Find(digest) is { } cached)
        {
            return cached;
        }
        var startedAt = cache.Now();
        var user = await reader.FindAsync(digest, cancellationToken);
        if (user is not null)
        {
            cache.Remember(digest, user, startedAt);
        }
        return user;
    }

    /// <summary>For a token <see cref="FindByTokenDigestAsync"/> did not find: did a newer login replace it?</summary>
    public Task<bool> WasReplacedAsync(byte[] digest, CancellationToken cancellationToken) =>
        reader.WasReplacedAsync(digest, cancellationToken);
}
