using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WxLogin.Web.Services.WeChat;

/// <summary>A safe-mode push that does not decrypt to a well-formed plaintext.</summary>
public sealed class WeChatMessageCryptoException(string message) : Exception(message);

/// <summary>
/// Message push signatures and the WXBizMsgCrypt scheme (see shared/WECHAT.md "Message push"):
/// AES-256-CBC with key = Base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding
/// to 32-byte blocks, plaintext = 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ AppID.
/// Pure functions: the caller checks the signature before decrypting and the AppID after.
/// </summary>
public static class WeChatMessageCrypto
{
    /// <summary>WXBizMsgCrypt pads to 32 bytes, not to AES's 16: .NET's PKCS7 mode cannot be used.</summary>
    private const int PadBlock = 32;

    private const int RandomBytes = 16;

    private const int LengthBytes = 4;

    /// <summary>Lowercase hex SHA-1 of the parts, sorted as strings (ordinal) and concatenated.</summary>
    public static string Signature(params string[] parts)
    {
        var sorted = parts.Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
    }

    /// <summary>Whether <paramref name="given"/> is the signature of the parts, compared in constant time.</summary>
    public static bool SignatureMatches(string? given, params string[] parts)
    {
        if (string.IsNullOrEmpty(given))
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Signature(parts));
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
    }

    /// <summary>The base64 Encrypt value of a message for an AppID, with fresh random bytes in front.</summary>
    public static string Encrypt(byte[] aesKey, string message, string appId)
    {
        var messageBytes = Encoding.UTF8.GetBytes(message);
        var appIdBytes = Encoding.UTF8.GetBytes(appId);
        var length = RandomBytes + LengthBytes + messageBytes.Length + appIdBytes.Length;
        var padding = PadBlock - length % PadBlock;
        var plain = new byte[length + padding];
        RandomNumberGenerator.Fill(plain.AsSpan(0, RandomBytes));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(RandomBytes, LengthBytes), messageBytes.Length);
        messageBytes.CopyTo(plain, RandomBytes + LengthBytes);
        appIdBytes.CopyTo(plain, RandomBytes + LengthBytes + messageBytes.Length);
        plain.AsSpan(length).Fill((byte)padding);

        using var aes = Aes.Create();
        aes.Key = aesKey;
        return Convert.ToBase64String(aes.EncryptCbc(plain, aesKey.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>The message and the trailing AppID of an Encrypt value. Throws <see cref="WeChatMessageCryptoException"/>.</summary>
    public static (string Message, string AppId) Decrypt(byte[] aesKey, string encrypt)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypt);
        }
        catch (FormatException)
        {
            throw new WeChatMessageCryptoException("Encrypt is not base64.");
        }
        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            throw new WeChatMessageCryptoException("Encrypt is not a whole number of AES blocks.");
        }

        using var aes = Aes.Create();
        aes.Key = aesKey;
        var plain = aes.DecryptCbc(cipher, aesKey.AsSpan(0, 16), PaddingMode.None);

        var padding = plain[^1];
        if (padding is < 1 or > PadBlock || padding > plain.Length || plain.AsSpan(plain.Length - padding).ContainsAnyExcept(padding))
        {
            throw new WeChatMessageCryptoException("Encrypt does not decrypt with this EncodingAESKey (bad padding).");
        }
        var content = plain.AsSpan(0, plain.Length - padding);
        if (content.Length < RandomBytes + LengthBytes)
        {
            throw new WeChatMessageCryptoException("The plaintext is too short.");
        }
        var messageLength = BinaryPrimitives.ReadInt32BigEndian(content.Slice(RandomBytes, LengthBytes));
        var rest = content[(RandomBytes + LengthBytes)..];
        if (messageLength < 0 || messageLength > rest.Length)
        {
            throw new WeChatMessageCryptoException("The plaintext's message length is out of range.");
        }
        try
        {
            return (StrictUtf8.Encoding.GetString(rest[..messageLength]), StrictUtf8.Encoding.GetString(rest[messageLength..]));
        }
        catch (ArgumentException)
        {
            throw new WeChatMessageCryptoException("The plaintext is not UTF-8.");
        }
    }
}
