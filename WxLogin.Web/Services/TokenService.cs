using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using WxLogin.Web.Options;

namespace WxLogin.Web.Services;

/// <summary>A freshly issued token: the value goes to the client once, only the digest is stored.</summary>
public sealed record IssuedToken(string Token, byte[] Digest, DateTime ExpiresAt);

/// <summary>Our opaque tokens: 256 random bits, base64url, stored as their SHA-256 digest.</summary>
public sealed class TokenService(IOptions<AuthOptions> options, TimeProvider time)
{
    private const int TokenBytes = 32;

    /// <summary>Base64url length of 32 bytes without padding.</summary>
    private const int TokenLength = 43;

    public IssuedToken Issue()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var expiresAt = time.GetUtcNow().UtcDateTime + options.Value.TokenLifetime;
        return new IssuedToken(token, Digest(token), expiresAt);
    }

    public static byte[] Digest(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Cheap shape check, so junk never reaches the database.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == TokenLength && Base64Url.IsValid(token, out var decodedLength) && decodedLength == TokenBytes;
}
