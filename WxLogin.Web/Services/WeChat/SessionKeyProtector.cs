using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using WxLogin.Web.Models;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// The one place that encrypts a session_key for the Users row (Data Protection, one purpose) and reads it back.
/// </summary>
public sealed class SessionKeyProtector(IDataProtectionProvider dataProtection, ILogger<SessionKeyProtector> logger)
{
    /// <summary>Purpose string of the Data Protection key that encrypts session_key at rest.</summary>
    public const string Purpose = "WxLogin.SessionKey";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public string Protect(string sessionKey) => _protector.Protect(sessionKey);

    /// <summary>
    /// The user's session_key in clear. None stored, or one that no longer unprotects (Data Protection keys
    /// lost), is stale: session_key_stale, and logging in again stores a new one.
    /// </summary>
    public string Unprotect(User user)
    {
        if (user.SessionKeyProtected is null)
        {
            throw WeChatDataCrypto.SessionKeyStale();
        }
        try
        {
            return _protector.Unprotect(user.SessionKeyProtected);
        }
        catch (CryptographicException)
        {
            logger.LogWarning("The stored session_key of user {UserId} cannot be unprotected; was the Data Protection key ring lost?", user.Id);
            throw WeChatDataCrypto.SessionKeyStale();
        }
    }
}
