using WxLogin.Web.Data;

namespace WxLogin.Web.Services;

/// <summary>
/// Deletes a team's own rows of a user when the account ends: DELETE /api/user/me and WeChat's
/// user_authorization_cancellation both run every registered eraser, in the transaction that deletes the
/// user's row, so the account goes with all of its data or not at all (docs/extending.md).
/// </summary>
public interface IAccountDataEraser
{
    /// <summary>
    /// Deletes or anonymises the user's rows through <paramref name="db"/> (ExecuteDeleteAsync, or tracked
    /// changes, which are saved for you). Runs before the user's row is deleted; must not commit.
    /// </summary>
    Task EraseAsync(AppDbContext db, int userId, CancellationToken cancellationToken);
}
