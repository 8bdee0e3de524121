using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WxLogin.Web.Errors;
using WxLogin.Web.Options;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// Decrypts the encryptedData of a mini-program button (WeChat's WXBizDataCrypt, see shared/WECHAT.md):
/// AES-128-CBC with PKCS#7, key = the user's session_key, and a JSON plaintext whose watermark.appid
/// must be our AppId. Strict: anything that does not decrypt to such JSON is refused.
/// </summary>
public sealed class WeChatDataCrypto(IOptions<WeChatOptions> options)
{
    private const int BlockBytes = 16;

    private static readonly JsonSerializerSettings JsonSettings = new() { DateParseHandling = DateParseHandling.None };

    /// <summary>
    /// The decrypted JSON. Throws <see cref="ApiException"/>: invalid_request when the client's
    /// encryptedData or iv is malformed, session_key_stale when it does not decrypt to JSON with our
    /// session_key, watermark_mismatch when it was made for another AppId.
    /// </summary>
    public JObject Decrypt(string sessionKey, string encryptedData, string iv)
    {
        // The session_key is ours, not the client's: one that does not decode is replaced by logging in again.
        var key = DecodeBase64(sessionKey, BlockBytes)
            ?? throw SessionKeyStale();
        var ivBytes = DecodeBase64(iv, BlockBytes)
            ?? throw Malformed("iv must be base64 of 16 bytes (24 characters), as e.detail.iv gives it.");
        var cipherText = DecodeBase64(encryptedData, expectedLength: null);
        if (cipherText is null || cipherText.Length == 0 || cipherText.Length % BlockBytes != 0)
        {
            throw Malformed("encryptedData must be base64 of a whole number of 16-byte blocks, as e.detail.encryptedData gives it.");
        }

        JObject data;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var plainText = aes.DecryptCbc(cipherText, ivBytes, PaddingMode.PKCS7);
            // A wrong iv of the right length still unpads cleanly and garbles only the first block: the JSON parse catches it.
            data = JsonConvert.DeserializeObject<JObject>(StrictUtf8.Encoding.GetString(plainText), JsonSettings)
                ?? throw new JsonException("empty plaintext");
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or JsonException)
        {
            throw SessionKeyStale();
        }

        var appId = (data["watermark"] as JObject)?["appid"];
        if (appId is not { Type: JTokenType.String } || appId.Value<string>() != options.Value.AppId)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.WatermarkMismatch,
                "The encrypted data was not made for this mini-program (watermark.appid differs from our AppId).");
        }
        return data;
    }

    /// <summary>
    /// Base64 (line breaks allowed) → bytes; null when invalid or of the wrong length. Base64 has no
    /// spaces: a space is a '+' that a form body (application/x-www-form-urlencoded) turned into one
    /// because the client did not percent-encode it, so it is read as '+' (the decoder would skip it).
    /// </summary>
    private static byte[]? DecodeBase64(string value, int? expectedLength)
    {
        try
        {
            var bytes = Convert.FromBase64String(value.Replace(' ', '+'));
            return expectedLength is null || bytes.Length == expectedLength ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ApiException Malformed(string detail) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, detail);

    /// <summary>What the client hears when our session_key cannot decrypt its data: log in again, then retry.</summary>
    public static ApiException SessionKeyStale() =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.SessionKeyStale,
            "The data does not decrypt with the session_key of your last login: it has most likely changed. " +
            "Call wx.login, log in again, then retry.");
}
