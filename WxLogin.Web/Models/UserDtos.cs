namespace WxLogin.Web.Models;

/// <summary>Body of POST /api/user/login, as JSON or as a form field.</summary>
public sealed record LoginRequest(string? Code);

/// <summary>Answer of a successful login.</summary>
public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, UserResponse User);

/// <summary>What a client may see of a user: no session_key, no token digest.</summary>
public sealed record UserResponse(
    int Id,
    string OpenId,
    string? UnionId,
    string? Nickname,
    string? AvatarUrl,
    string? PhoneNumber,
    DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(
        user.Id,
        user.OpenId,
        user.UnionId,
        user.Nickname,
        user.AvatarUrl,
        user.PhoneNumber,
        new DateTimeOffset(user.CreatedAt, TimeSpan.Zero));
}
