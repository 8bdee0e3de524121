using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Models;

namespace WxLogin.Web.Services;

/// <summary>What a user withdrew consent for (WeChat's RevokeInfo), as the columns it empties.</summary>
[Flags]
public enum WithdrawnData
{
    None = 0,

    /// <summary>RevokeInfo 6 (nickname and avatar), 19 (nickname by keyboard), 20 (avatar component).</summary>
    NicknameAndAvatar = 1,

    /// <summary>RevokeInfo 8: PhoneNumber, PurePhoneNumber, CountryCode.</summary>
    Phone = 2,

    All = NicknameAndAvatar | Phone,
}

/// <summary>
/// The end of an account: deletion (DELETE /api/user/me, WeChat's user_authorization_cancellation) and
/// withdrawn consent (user_authorization_revoke). Both are idempotent: WeChat retries its pushes.
/// On SQLite the freed bytes are zeroed (<see cref="Data.Sqlite.SqliteSecureDelete"/>), so nothing of a deleted
/// row stays in the file.
/// </summary>
public sealed class AccountService(AppDbContext db, TokenCache tokenCache, TimeProvider time, ILogger<AccountService> logger)
{
    /// <summary>Deletes the user's row (openid, unionid, session_key, phone, nickname, avatar, token). False when it was already gone.</summary>
    public Task<bool> DeleteAsync(int userId, CancellationToken cancellationToken) =>
        DeleteAsync(db.Users.Where(u => u.Id == userId), cancellationToken);

    /// <summary>The same deletion for WeChat's cancellation event. False for an unknown openid.</summary>
    public Task<bool> DeleteByOpenIdAsync(string openId, CancellationToken cancellationToken) =>
        DeleteAsync(db.Users.Where(u => u.OpenId == openId), cancellationToken);

    /// <summary>Empties what the user withdrew; the account and its token stay. False when there was nothing to change.</summary>
    public async Task<bool> WithdrawAsync(string openId, WithdrawnData withdrawn, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.OpenId == openId, cancellationToken);
        if (user is null)
        {
            return false;
        }
        if (withdrawn.HasFlag(WithdrawnData.NicknameAndAvatar))
        {
            user.Nickname = null;
            user.AvatarUrl = null;
        }
        if (withdrawn.HasFlag(WithdrawnData.Phone))
        {
            user.PhoneNumber = null;
            user.PurePhoneNumber = null;
            user.CountryCode = null;
        }
        // A repeated push finds the columns empty already and writes nothing, not even UpdatedAt.
        if (!db.ChangeTracker.HasChanges())
        {
            return false;
        }
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("User {UserId} withdrew consent: cleared {Withdrawn}", user.Id, withdrawn);
        OnUserRevoked(user.Id);
        return true;
    }

    /// <summary>
    /// RevokeInfo (one or more numbers, comma-separated) → what to empty: 6, 19, 20 → nickname and avatar;
    /// 8 → phone; anything else, or nothing, → all of it (when in doubt, delete).
    /// </summary>
    public static WithdrawnData FromRevokeInfo(string? revokeInfo)
    {
        var items = (revokeInfo ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0)
        {
            return WithdrawnData.All;
        }
        return items.Aggregate(WithdrawnData.None, (withdrawn, item) => withdrawn | item switch
        {
            "6" or "19" or "20" => WithdrawnData.NicknameAndAvatar,
            "8" => WithdrawnData.Phone,
            _ => WithdrawnData.All,
        });
    }

    private async Task<bool> DeleteAsync(IQueryable<User> which, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var userId = await which.Select(u => (int?)u.Id).SingleOrDefaultAsync(cancellationToken);
        if (userId is not { } id)
        {
            return false;
        }
        await db.Users.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("User {UserId} deleted", id);
        OnUserRevoked(id);
        return true;
    }

    /// <summary>
    /// After a user's row was deleted or had data cleared (committed): the opt-in token cache in front of
    /// [CheckToken] drops that user, so a deleted account's token answers 401 at once and cleared fields vanish.
    /// </summary>
    private void OnUserRevoked(int userId) => tokenCache.Forget(userId);
}
