using WxLogin.Web.Errors;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>What a login writes: the user's WeChat identity and the digest of the new token.</summary>
public sealed record LoginWrite(
    string OpenId,
    string? UnionId,
    string SessionKeyProtected,
    byte[] TokenDigest,
    DateTime TokenExpiresAt,
    DateTime Now);

/// <summary>
/// The two writes on the hot path, outside EF Core: a login's find-or-create by openid in one
/// statement, and a logout that clears only the token it came with. Each returns once the write is
/// durable; a database that cannot take it answers 503 storage_unavailable.
/// </summary>
public abstract class LoginStore
{
    /// <summary>Creates the user or updates the row of that openid; answers the row as stored.</summary>
    public abstract Task<UserSnapshot> SaveLoginAsync(LoginWrite login, CancellationToken cancellationToken);

    /// <summary>Clears the user's token if it is still this one; false when a newer login already replaced it.</summary>
    public abstract Task<bool> RevokeTokenAsync(int userId, byte[] tokenDigest, DateTime now, CancellationToken cancellationToken);

    /// <summary>Why the last write failed, while no write has succeeded since; null when writes work.</summary>
    public virtual string? CurrentFault => null;

    public static ApiException Unavailable(string detail = "The database cannot take this request right now. Retry shortly.") =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, detail);

    public static ApiException LockTimeout() =>
        Unavailable("The database is busy with other writes. Retry shortly.");
}
