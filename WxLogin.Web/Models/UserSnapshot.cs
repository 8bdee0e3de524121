namespace WxLogin.Web.Models;

/// <summary>
/// What a request knows of its user: the row as a login wrote it or [CheckToken] read it, immutable,
/// without session_key or token digest. Safe to share between requests and the token cache.
/// </summary>
public sealed record UserSnapshot(
    int Id,
    string OpenId,
    string? UnionId,
    string? Nickname,
    string? AvatarUrl,
    string? PhoneNumber,
    DateTime? TokenExpiresAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The snapshot of an entity that EF Core just saved.</summary>
    public static UserSnapshot From(User user) => new(
        user.Id, user.OpenId, user.UnionId, user.Nickname, user.AvatarUrl, user.PhoneNumber,
        user.TokenExpiresAt, user.CreatedAt, user.UpdatedAt);
}
