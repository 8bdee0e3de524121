using WxLogin.Web.Models;

namespace WxLogin.Web.Filters;

/// <summary>The typed way to the user that [CheckToken] resolved for this request.</summary>
public static class CurrentUser
{
    private static readonly object Key = new();

    /// <summary>The current user; only valid inside an action marked [CheckToken].</summary>
    public static UserSnapshot GetCurrentUser(this HttpContext http) => Current(http).User;

    /// <summary>The digest of the token this request came with (logout revokes exactly that one).</summary>
    public static byte[] GetCurrentTokenDigest(this HttpContext http) => Current(http).TokenDigest;

    internal static void SetCurrentUser(this HttpContext http, UserSnapshot user, byte[] tokenDigest) =>
        http.Items[Key] = new Session(user, tokenDigest);

    private static Session Current(HttpContext http) =>
        http.Items.TryGetValue(Key, out var session) && session is Session current
            ? current
            : throw new InvalidOperationException("No current user: is the action marked [CheckToken]?");

    private sealed record Session(UserSnapshot User, byte[] TokenDigest);
}
