using Microsoft.AspNetCore.DataProtection;
using WxLogin.Web.Data;
using WxLogin.Web.Errors;
using WxLogin.Web.Models;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Services;

/// <summary>The result of a login: the token (shown to the client once) and its user.</summary>
public sealed record LoginResult(string Token, DateTime ExpiresAt, UserSnapshot User);

/// <summary>
/// wx.login code → WeChat session → our user and token. Nothing is written unless WeChat said yes;
/// the user row is created or updated in one statement (<see cref="LoginStore"/>), durable before
/// the answer goes out.
/// </summary>
public sealed class LoginService(
    IWeChatClient wechat,
    LoginStore store,
    TokenCache cache,
    TokenService tokens,
    IDataProtectionProvider dataProtection,
    TimeProvider time)
{
    /// <summary>Purpose string of the Data Protection key that encrypts session_key at rest.</summary>
    public const string SessionKeyPurpose = "WxLogin.SessionKey";

    private readonly IDataProtector _sessionKeys = dataProtection.CreateProtector(SessionKeyPurpose);

    public async Task<LoginResult> LoginAsync(string? code, CancellationToken cancellationToken)
    {
        var validCode = ValidateCode(code);
        var session = await wechat.Code2SessionAsync(validCode, cancellationToken);
        var token = tokens.Issue();
        var user = await store.SaveLoginAsync(new LoginWrite(
            session.OpenId,
            session.UnionId,
            _sessionKeys.Protect(session.SessionKey),
            token.Digest,
            token.ExpiresAt,
            time.GetUtcNow().UtcDateTime), cancellationToken);
        cache.Forget(user.Id); // the previous token is replaced: no instance-local memory of it may outlive this answer
        return new LoginResult(token.Token, token.ExpiresAt, user);
    }

    /// <summary>
    /// Revokes the token this request came with (a conditional update on its digest), so a newer token
    /// from a login that raced this logout stays valid. Answers only once the revocation is durable.
    /// </summary>
    public async Task LogoutAsync(UserSnapshot current, byte[] tokenDigest, CancellationToken cancellationToken)
    {
        await store.RevokeTokenAsync(current.Id, tokenDigest, time.GetUtcNow().UtcDateTime, cancellationToken);
        cache.Forget(current.Id);
    }

    private static string ValidateCode(string? code) =>
        string.IsNullOrWhiteSpace(code)
            ? throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.CodeMissing,
                "Send the code from wx.login as {\"code\": \"...\"}.")
            : WeChatCode.EnsureWellFormed(code);
}
