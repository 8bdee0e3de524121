namespace WxLogin.Web.Errors;

/// <summary>
/// The code of the error body this request answered, remembered by <see cref="Problems"/>, so the
/// metrics can count outcomes by code without reading bodies.
/// </summary>
public static class ProblemCode
{
    private static readonly object Key = new();

    public static void Remember(HttpContext http, object? code) => http.Items[Key] = code as string;

    /// <summary>The last error code written for this request; null when none was.</summary>
    public static string? Of(HttpContext http) => http.Items.TryGetValue(Key, out var code) ? code as string : null;
}
