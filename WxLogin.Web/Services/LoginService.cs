using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Errors;
using WxLogin.Web.Models;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Services;

/// <summary>The result of a login: the token (shown to the client once) and its user.</summary>
public sealed record LoginResult(string Token, DateTime ExpiresAt, User User);

/// <summary>
/// wx.login code → WeChat session → our user and token. Nothing is written unless WeChat said yes;
/// the user row is created or updated in one statement.
/// </summary>
public sealed class LoginService(
    IWeChatClient wechat,
    AppDbContext db,
    DatabaseDialect dialect,
    TokenService tokens,
    IDataProtectionProvider dataProtection,
    TimeProvider time)
{
    /// <summary>Purpose string of the Data Protection key that encrypts session_key at rest.</summary>
    public const string SessionKeyPurpose = "WxLogin.SessionKey";

    public async Task<LoginResult> LoginAsync(string? code, CancellationToken cancellationToken)
    {
        var validCode = ValidateCode(code);
        var session = await wechat.Code2SessionAsync(validCode, cancellationToken);
        var token = tokens.Issue();
        var now = time.GetUtcNow().UtcDateTime;
        var protectedSessionKey = dataProtection.CreateProtector(SessionKeyPurpose).Protect(session.SessionKey);

        void Apply(User user)
        {
            user.UnionId = session.UnionId ?? user.UnionId;
            user.SessionKeyProtected = protectedSessionKey;
            user.TokenDigest = token.Digest;
            user.TokenExpiresAt = token.ExpiresAt;
            user.UpdatedAt = now;
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.OpenId == session.OpenId, cancellationToken);
        if (user is null)
        {
            user = new User { OpenId = session.OpenId, CreatedAt = now };
            Apply(user);
            db.Users.Add(user);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new LoginResult(token.Token, token.ExpiresAt, user);
            }
            catch (DbUpdateException ex) when (dialect.IsUniqueViolation(ex))
            {
                // A concurrent first login of the same openid inserted the row first: update that one.
                db.Entry(user).State = EntityState.Detached;
                user = await db.Users.SingleAsync(u => u.OpenId == session.OpenId, cancellationToken);
            }
        }

        Apply(user);
        await db.SaveChangesAsync(cancellationToken);
        return new LoginResult(token.Token, token.ExpiresAt, user);
    }

    /// <summary>Revokes the token this request came with; a newer token from another login stays valid.</summary>
    public async Task LogoutAsync(User current, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == current.Id, cancellationToken);
        if (user?.TokenDigest is null || current.TokenDigest is null || !user.TokenDigest.SequenceEqual(current.TokenDigest))
        {
            return;
        }
        user.TokenDigest = null;
        user.TokenExpiresAt = null;
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string ValidateCode(string? code) =>
        string.IsNullOrWhiteSpace(code)
            ? throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.CodeMissing,
                "Send the code from wx.login as {\"code\": \"...\"}.")
            : WeChatCode.EnsureWellFormed(code);
}
