using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Newtonsoft.Json.Linq;
using WxLogin.Web.Data;
using WxLogin.Web.Errors;
using WxLogin.Web.Models;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Services;

/// <summary>
/// What a logged-in user adds to their row: the phone number (new-style code or old-style
/// encryptedData), the decrypted user info (unionId, nickname, avatar) and the profile they type in.
/// </summary>
public sealed class UserService(
    IWeChatClient wechat,
    AccessTokenProvider accessTokens,
    WeChatDataCrypto crypto,
    AppDbContext db,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    ILogger<UserService> logger)
{
    /// <summary>encryptedData of a phone number or a user profile is well under 2 KB; anything far larger is not one.</summary>
    public const int MaxEncryptedDataLength = 16 * 1024;

    /// <summary>An iv is 24 base64 characters; a little room for line breaks.</summary>
    public const int MaxIvLength = 64;

    public async Task<PhoneResponse> BindPhoneAsync(UserSnapshot current, PhoneRequest? request, CancellationToken cancellationToken)
    {
        var user = await LoadAsync(current, cancellationToken);
        WeChatPhoneNumber phone;
        if (!string.IsNullOrWhiteSpace(request?.Code))
        {
            var code = WeChatCode.EnsureWellFormed(request.Code);
            phone = await accessTokens.CallAsync(
                accessToken => wechat.GetUserPhoneNumberAsync(accessToken, code, cancellationToken), cancellationToken);
        }
        else if (request?.EncryptedData is not null || request?.Iv is not null)
        {
            phone = WeChatPhoneNumber.FromJson(Decrypt(user, request.EncryptedData, request.Iv))
                ?? throw InvalidRequest("The encrypted data holds no phone number: send the getPhoneNumber button's data.");
        }
        else
        {
            throw InvalidRequest("Send {\"code\": e.detail.code} from the getPhoneNumber button, " +
                "or {\"encryptedData\", \"iv\"} from e.detail on older clients.");
        }

        user.PhoneNumber = phone.PhoneNumber;
        user.PurePhoneNumber = phone.PurePhoneNumber;
        user.CountryCode = phone.CountryCode;
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return new PhoneResponse(phone.PhoneNumber, phone.PurePhoneNumber, phone.CountryCode);
    }

    /// <summary>Binds unionId, and nickname and avatar when the decrypted data carries usable ones.</summary>
    public async Task<UserSnapshot> BindUserInfoAsync(UserSnapshot current, UserInfoRequest? request, CancellationToken cancellationToken)
    {
        var user = await LoadAsync(current, cancellationToken);
        var info = Decrypt(user, request?.EncryptedData, request?.Iv);
        if (!string.Equals(Text(info, "openId"), user.OpenId, StringComparison.Ordinal))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.OpenIdMismatch,
                "The user info belongs to another WeChat user (its openId is not yours). Send the data of the logged-in user.");
        }
        // WeChat's placeholders (since 2022-11: "微信用户" and a grey avatar, flagged is_demote) are not the user's own.
        var demoted = info["is_demote"] is { Type: JTokenType.Boolean } flag && flag.Value<bool>();

        if (Text(info, "unionId") is { } unionId && WeChatIdentifier.IsValid(unionId))
        {
            user.UnionId = unionId;
        }
        if (!demoted && Text(info, "nickName") is { } nickname && ProfileRules.IsValidNickname(nickname)
            && !ProfileRules.IsPlaceholderNickname(nickname))
        {
            user.Nickname = nickname;
        }
        if (!demoted && Text(info, "avatarUrl") is { } avatarUrl && ProfileRules.IsValidAvatarUrl(avatarUrl)
            && !ProfileRules.IsPlaceholderAvatar(avatarUrl))
        {
            user.AvatarUrl = avatarUrl;
        }
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return UserSnapshot.From(user);
    }

    public async Task<UserSnapshot> UpdateProfileAsync(UserSnapshot current, ProfileRequest? request, CancellationToken cancellationToken)
    {
        if (request?.Nickname is null && request?.AvatarUrl is null)
        {
            throw InvalidRequest("Send {\"nickname\": \"...\"}, {\"avatarUrl\": \"https://...\"} or both.");
        }
        if (request.Nickname is { } nickname && !ProfileRules.IsValidNickname(nickname))
        {
            throw InvalidRequest($"nickname must be 1 to {ProfileRules.NicknameMaxTextElements} characters with at least one visible, " +
                "without control, format (bidi, zero-width) or line-separator characters, spaces other than ' ' and U+3000, or Hangul fillers.");
        }
        if (request.AvatarUrl is { } avatarUrl && !ProfileRules.IsValidAvatarUrl(avatarUrl))
        {
            throw InvalidRequest($"avatarUrl must be an absolute https URL of at most {User.AvatarUrlMaxLength} characters " +
                "on a DNS host name (no IP address, no user:password@) " +
                "(upload the chooseAvatar file first; its wxfile:// path is local to the phone).");
        }

        var user = await LoadAsync(current, cancellationToken);
        user.Nickname = request.Nickname ?? user.Nickname;
        user.AvatarUrl = request.AvatarUrl ?? user.AvatarUrl;
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return UserSnapshot.From(user);
    }

    /// <summary>
    /// The user's session_key in clear, for decryption (and the Development encrypt helper). A key that
    /// no longer unprotects (Data Protection keys lost) is stale: logging in again stores a new one.
    /// </summary>
    internal string SessionKeyOf(User user)
    {
        if (user.SessionKeyProtected is null)
        {
            throw WeChatDataCrypto.SessionKeyStale();
        }
        try
        {
            return dataProtection.CreateProtector(LoginService.SessionKeyPurpose).Unprotect(user.SessionKeyProtected);
        }
        catch (CryptographicException)
        {
            logger.LogWarning("The stored session_key of user {UserId} cannot be unprotected; was the Data Protection key ring lost?", user.Id);
            throw WeChatDataCrypto.SessionKeyStale();
        }
    }

    /// <summary>The tracked row of the current user, session_key included (the [CheckToken] query leaves it out).</summary>
    internal Task<User> LoadAsync(UserSnapshot current, CancellationToken cancellationToken) =>
        db.Users.SingleAsync(u => u.Id == current.Id, cancellationToken);

    private JObject Decrypt(User user, string? encryptedData, string? iv)
    {
        if (string.IsNullOrWhiteSpace(encryptedData) || string.IsNullOrWhiteSpace(iv))
        {
            throw InvalidRequest("Send both encryptedData and iv, as e.detail gives them.");
        }
        if (encryptedData.Length > MaxEncryptedDataLength || iv.Length > MaxIvLength)
        {
            throw InvalidRequest($"encryptedData may be at most {MaxEncryptedDataLength} characters and iv at most {MaxIvLength}.");
        }
        return crypto.Decrypt(SessionKeyOf(user), encryptedData, iv);
    }

    /// <summary>A string field of decrypted data; null when missing, empty or not a string.</summary>
    private static string? Text(JObject data, string name) =>
        data[name] is { Type: JTokenType.String } token && token.Value<string>() is { Length: > 0 } text ? text : null;

    private static ApiException InvalidRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, detail);
}
