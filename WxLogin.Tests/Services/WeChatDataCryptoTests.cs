using Microsoft.Extensions.Options;
using WxLogin.Web.Errors;
using WxLogin.Web.Options;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Services;

/// <summary>
/// Known answers made with openssl, key 69d3963c8a206c2e9ac69157b54484e9, iv 66456987e1dfa82f8b8d202e6a79f317:
/// <c>printf '%s' "$plaintext" | openssl enc -aes-128-cbc -K 69d3963c8a206c2e9ac69157b54484e9 -iv 66456987e1dfa82f8b8d202e6a79f317 -base64 -A</c>
/// </summary>
public sealed class WeChatDataCryptoTests
{
    private const string AppId = "wx-test-app";
    private const string SessionKey = "adOWPIogbC6axpFXtUSE6Q==";
    private const string Iv = "ZkVph+HfqC+LjSAuannzFw==";
    private const string OtherValidKey = "AAAAAAAAAAAAAAAAAAAAAA==";

    /// <summary>{"phoneNumber":"13800138000","purePhoneNumber":"13800138000","countryCode":"86","watermark":{"timestamp":1795680000,"appid":"wx-test-app"}}</summary>
    private const string Phone =
        "nlQtoLW7t1XL+q5JzMNHy8DEaUTHRs5llizpWeR2nkHqqQrfA1o9dbgHvYphbO6+DFpZCaSaXo8lCgXBv7kSzt9BvI2GUC3lyt+OaP8S+dn71s7Tc2MDpu0+" +
        "k4Kg9NRyQpzhWHNh3+hazPh5bN+iRaDyVpsH06uiQxFjmcGvmr37jEfgZBVmZ01lLL+VsMlL";

    /// <summary>The same, as `openssl enc -base64` (without -A) wraps it: 64 characters a line.</summary>
    private const string PhoneWrapped = """
        nlQtoLW7t1XL+q5JzMNHy8DEaUTHRs5llizpWeR2nkHqqQrfA1o9dbgHvYphbO6+
        DFpZCaSaXo8lCgXBv7kSzt9BvI2GUC3lyt+OaP8S+dn71s7Tc2MDpu0+k4Kg9NRy
        QpzhWHNh3+hazPh5bN+iRaDyVpsH06uiQxFjmcGvmr37jEfgZBVmZ01lLL+VsMlL
        """;

    /// <summary>
    /// {"openId":"oEmulatorUser000000000000000","nickName":"小明","gender":0,"language":"zh_CN","city":"","province":"","country":"",
    /// "avatarUrl":"https://thirdwx.qlogo.cn/mmopen/vi_32/Q0j4T/132","unionId":"uEmulatorUnion00000000000000","watermark":{"timestamp":1795680000,"appid":"wx-test-app"}}
    /// </summary>
    private const string UserInfo =
        "QRlnOy1BQQJEpGKC3dLHyrQOELkLAq8mZLe3nGzUZZV28Rn4s5etfcJZaHJjgVWmC7NwBUDgEo5CV7MsTwiau4wgLf5kn46euCOzniscmxUIyYv8RrqpodNU" +
        "F1Q2bUHB1+W39WQvvCgwu+h9pvse6rDT9u/tWj4RbViXL+g8g/g5j0QK+Oz5uwODpr8Gdnd2xrDbfrHuT/Je7rfpMrMn/H8k4Yg46SIHVPk8MjBeUFxCSjyo" +
        "mkK9Il6xSmH5CaXQJxr/sKgdwry0YSAhzdXvtNOwraRPA8YPGVgG9syhdqSVve/GzHWaBXKMtVu3RMW6smkVll920JAeLCHojPmJq56QUwOVRU1nE/xn0kYH" +
        "dRTIGQgQ3axd0A/Shebo94qvTy5h87oVf3vsqPfHFQ5fAg==";

    /// <summary>The phone payload with watermark.appid "wx-other-app".</summary>
    private const string OtherApp =
        "nlQtoLW7t1XL+q5JzMNHy8DEaUTHRs5llizpWeR2nkHqqQrfA1o9dbgHvYphbO6+DFpZCaSaXo8lCgXBv7kSzt9BvI2GUC3lyt+OaP8S+dn71s7Tc2MDpu0+" +
        "k4Kg9NRyQpzhWHNh3+hazPh5bN+iRaDyVpsH06uiQxFjmcGvmr2mLi5pmSeff3vYdaFPn5nu";

    /// <summary>{"phoneNumber":"13800138000","purePhoneNumber":"13800138000","countryCode":"86"}: no watermark.</summary>
    private const string NoWatermark =
        "nlQtoLW7t1XL+q5JzMNHy8DEaUTHRs5llizpWeR2nkHqqQrfA1o9dbgHvYphbO6+DFpZCaSaXo8lCgXBv7kSzjyhyTznUB8JfHE1dT3+X37LkkSIHC/EqHE0SABlrGIC";

    /// <summary>"this is not json, but it is padded correctly"</summary>
    private const string NotJson = "XKBn/+UtWE+1LQ32VwMzsh6nsDtVQgyMpj7zzjUAY7/vMV6YHDNGdQwH/gfK5hNO";

    private readonly WeChatDataCrypto _crypto = new(Microsoft.Extensions.Options.Options.Create(new WeChatOptions { AppId = AppId }));

    [Test]
    public void Decrypt_ReturnsThePhonePayload_ForTheKnownAnswer()
    {
        var data = _crypto.Decrypt(SessionKey, Phone, Iv);

        Assert.Multiple(() =>
        {
            Assert.That(data.Value<string>("phoneNumber"), Is.EqualTo("13800138000"));
            Assert.That(data.Value<string>("purePhoneNumber"), Is.EqualTo("13800138000"));
            Assert.That(data.Value<string>("countryCode"), Is.EqualTo("86"));
            Assert.That(data["watermark"]!.Value<long>("timestamp"), Is.EqualTo(1795680000));
            Assert.That(data["watermark"]!.Value<string>("appid"), Is.EqualTo(AppId));
        });
    }

    [Test]
    public void Decrypt_ReturnsTheUserInfoPayload_WithUtf8Nickname()
    {
        var data = _crypto.Decrypt(SessionKey, UserInfo, Iv);

        Assert.Multiple(() =>
        {
            Assert.That(data.Value<string>("openId"), Is.EqualTo("oEmulatorUser000000000000000"));
            Assert.That(data.Value<string>("nickName"), Is.EqualTo("小明"));
            Assert.That(data.Value<string>("avatarUrl"), Is.EqualTo("https://thirdwx.qlogo.cn/mmopen/vi_32/Q0j4T/132"));
            Assert.That(data.Value<string>("unionId"), Is.EqualTo("uEmulatorUnion00000000000000"));
        });
    }

    [Test]
    public void Decrypt_AcceptsBase64WithLineBreaks()
    {
        Assert.That(PhoneWrapped, Does.Contain("\n"));

        var data = _crypto.Decrypt(SessionKey, PhoneWrapped, Iv);

        Assert.That(data.Value<string>("phoneNumber"), Is.EqualTo("13800138000"));
    }

    [Test]
    public void Decrypt_AnswersSessionKeyStale_WithAnotherValidKey()
    {
        AssertFails(() => _crypto.Decrypt(OtherValidKey, Phone, Iv), ErrorCodes.SessionKeyStale);
    }

    [Test]
    public void Decrypt_AnswersSessionKeyStale_WithAWrongIvOfValidLength_ThoughThePaddingStillChecksOut()
    {
        // A wrong iv garbles only the first block, so the padding of the last block is intact.
        var key = Convert.FromBase64String(SessionKey);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var wrongIv = new byte[16];
        var plain = aes.DecryptCbc(Convert.FromBase64String(Phone), wrongIv, System.Security.Cryptography.PaddingMode.PKCS7);
        var expected = System.Text.Encoding.UTF8.GetBytes(
            """{"phoneNumber":"13800138000","purePhoneNumber":"13800138000","countryCode":"86","watermark":{"timestamp":1795680000,"appid":"wx-test-app"}}""");
        Assert.Multiple(() =>
        {
            Assert.That(plain[16..], Is.EqualTo(expected[16..]), "the padding checked out and only the first block is garbled");
            Assert.That(plain[..16], Is.Not.EqualTo(expected[..16]));
        });

        AssertFails(() => _crypto.Decrypt(SessionKey, Phone, Convert.ToBase64String(wrongIv)), ErrorCodes.SessionKeyStale);
    }

    [Test]
    public void Decrypt_AnswersSessionKeyStale_WhenThePlaintextIsNotJson()
    {
        AssertFails(() => _crypto.Decrypt(SessionKey, NotJson, Iv), ErrorCodes.SessionKeyStale);
    }

    [Test]
    public void Decrypt_AnswersSessionKeyStale_WhenDataIsTruncatedByWholeBlocks()
    {
        var truncated = Convert.ToBase64String(Convert.FromBase64String(Phone)[..^16]);

        AssertFails(() => _crypto.Decrypt(SessionKey, truncated, Iv), ErrorCodes.SessionKeyStale);
    }

    [Test]
    public void Decrypt_AnswersInvalidRequest_WhenDataIsTruncatedMidBlock()
    {
        var truncated = Convert.ToBase64String(Convert.FromBase64String(Phone)[..^5]);

        AssertFails(() => _crypto.Decrypt(SessionKey, truncated, Iv), ErrorCodes.InvalidRequest);
    }

    [Test]
    public void Decrypt_AnswersInvalidRequest_WhenBase64IsCutShort()
    {
        AssertFails(() => _crypto.Decrypt(SessionKey, Phone[..^3], Iv), ErrorCodes.InvalidRequest);
    }

    [Test]
    public void Decrypt_AnswersWatermarkMismatch_ForAnotherAppId()
    {
        AssertFails(() => _crypto.Decrypt(SessionKey, OtherApp, Iv), ErrorCodes.WatermarkMismatch);
    }

    [Test]
    public void Decrypt_AnswersWatermarkMismatch_WhenThereIsNoWatermark()
    {
        AssertFails(() => _crypto.Decrypt(SessionKey, NoWatermark, Iv), ErrorCodes.WatermarkMismatch);
    }

    [TestCase("not base64!")]
    [TestCase("ZkVph+HfqC+LjSAuannz")]
    [TestCase("ZkVph+HfqC+LjSAuannzFwAA")]
    [TestCase("")]
    public void Decrypt_AnswersInvalidRequest_WhenIvIsNotBase64Of16Bytes(string iv)
    {
        AssertFails(() => _crypto.Decrypt(SessionKey, Phone, iv), ErrorCodes.InvalidRequest);
    }

    [TestCase("%%%")]
    [TestCase("")]
    public void Decrypt_AnswersInvalidRequest_WhenDataIsNotBase64(string encryptedData)
    {
        AssertFails(() => _crypto.Decrypt(SessionKey, encryptedData, Iv), ErrorCodes.InvalidRequest);
    }

    [TestCase("adOWPIogbC6axpFXtUSE")]
    [TestCase("not a key")]
    public void Decrypt_AnswersSessionKeyStale_WhenOurStoredKeyIsNot16Bytes(string sessionKey)
    {
        // The key is ours, not the client's: logging in again replaces it.
        AssertFails(() => _crypto.Decrypt(sessionKey, Phone, Iv), ErrorCodes.SessionKeyStale);
    }

    [Test]
    public void SessionKeyStale_TellsTheClientToLogInAgain()
    {
        var error = WeChatDataCrypto.SessionKeyStale();

        Assert.Multiple(() =>
        {
            Assert.That(error.Status, Is.EqualTo(400));
            Assert.That(error.Message, Does.Contain("wx.login").And.Contain("retry"));
        });
    }

    private static void AssertFails(TestDelegate decrypt, string code)
    {
        var error = Assert.Throws<ApiException>(decrypt)!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(code), error.Message);
            Assert.That(error.Status, Is.EqualTo(400));
        });
    }
}
