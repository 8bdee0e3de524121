using WxLogin.Web.Models;

namespace WxLogin.Web.Filters;

/// <summary>The typed way to the user that [CheckToken] resolved for this request.</summary>
public static class CurrentUser
{
    private static readonly object Key = new();

    /// <summary>The current user; only valid inside an action marked [CheckToken].</summary>
    public static User GetCurrentUser(this HttpContext http) =>
        http.Items.TryGetValue(Key, out var user) && user is User current
            ? current
            : throw new InvalidOperationException("No current user: is the action marked [CheckToken]?");

    internal static void SetCurrentUser(this HttpContext http, User user) => http.Items[Key] = user;
}
