namespace WxLogin.Web.Models;

/// <summary>One WeChat user of this mini-program, keyed by openid. Table Users (database/).</summary>
public sealed class User
{
    // Column sizes, equal to the nvarchar sizes in database/sqlserver; AppDbContext and validation use them.
    public const int UnionIdMaxLength = 64;
    /// <summary>UTF-16 units: room for 64 emoji with modifiers (ProfileRules counts the 64 as text elements).</summary>
    public const int NicknameMaxLength = 256;
    public const int AvatarUrlMaxLength = 512;
    public const int PhoneNumberMaxLength = 32;
    public const int CountryCodeMaxLength = 8;

    public int Id { get; set; }

    public string OpenId { get; set; } = "";

    public string? UnionId { get; set; }

    public string? Nickname { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>WeChat's phoneNumber: with the country prefix outside mainland China (+852…), else the plain number.</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>The number without country code.</summary>
    public string? PurePhoneNumber { get; set; }

    /// <summary>The country calling code as text ("86"); WeChat sends it as a number or a string.</summary>
    public string? CountryCode { get; set; }

    /// <summary>WeChat's session_key, encrypted with ASP.NET Core Data Protection. Never leaves the server.</summary>
    public string? SessionKeyProtected { get; set; }

    /// <summary>SHA-256 of the current token; the token itself is never stored.</summary>
    public byte[]? TokenDigest { get; set; }

    public DateTime? TokenExpiresAt { get; set; }

    /// <summary>SHA-256 of the token that the latest login replaced while it was still live: it answers 401 token_replaced.</summary>
    public byte[]? ReplacedTokenDigest { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
