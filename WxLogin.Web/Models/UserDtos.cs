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
    public static UserResponse From(UserSnapshot user) => new(
        user.Id,
        user.OpenId,
        user.UnionId,
        user.Nickname,
        user.AvatarUrl,
        user.PhoneNumber,
        new DateTimeOffset(user.CreatedAt, TimeSpan.Zero));
}

/// <summary>
/// Body of POST /api/user/phone: the getPhoneNumber button's e.detail.code, or (older clients)
/// e.detail.encryptedData and e.detail.iv. When code is present it is used and the others are ignored.
/// </summary>
public sealed record PhoneRequest(string? Code, string? EncryptedData, string? Iv);

/// <summary>The phone number now bound to the user. countryCode is always text here ("86").</summary>
public sealed record PhoneResponse(string PhoneNumber, string PurePhoneNumber, string CountryCode);

/// <summary>Body of POST /api/user/userinfo: e.detail.encryptedData and e.detail.iv of the user-info data.</summary>
public sealed record UserInfoRequest(string? EncryptedData, string? Iv);

/// <summary>
/// Body of PUT /api/user/profile, from &lt;button open-type="chooseAvatar"&gt; (after uploading the file) and
/// &lt;input type="nickname"&gt;. A field left out keeps its value.
/// </summary>
public sealed record ProfileRequest(string? Nickname, string? AvatarUrl);
