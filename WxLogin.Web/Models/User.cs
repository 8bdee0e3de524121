namespace WxLogin.Web.Models;

/// <summary>One WeChat user of this mini-program, keyed by openid. Table Users (database/).</summary>
public sealed class User
{
    public int Id { get; set; }

    public string OpenId { get; set; } = "";

    public string? UnionId { get; set; }

    public string? Nickname { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>WeChat's session_key, encrypted with ASP.NET Core Data Protection. Never leaves the server.</summary>
    public string? SessionKeyProtected { get; set; }

    /// <summary>SHA-256 of the current token; the token itself is never stored.</summary>
    public byte[]? TokenDigest { get; set; }

    public DateTime? TokenExpiresAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
