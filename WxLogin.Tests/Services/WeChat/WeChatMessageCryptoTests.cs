using System.Text;
using WxLogin.Web.Options;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Services.WeChat;

/// <summary>WXBizMsgCrypt and the push signatures, against WeChat's own known answer (shared/WECHAT.md).</summary>
public sealed class WeChatMessageCryptoTests
{
    // WeChat's encryption guide. Its 2014 timestamp is far outside the replay window: the window is the
    // events route's business and is tested there; here only the signature and the decryption.
    public const string GuideToken = "spamtest";
    public const string GuideEncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string GuideAppId = "wx2c2769f8efd9abc2";
    public const string GuideTimestamp = "1409735669";
    public const string GuideNonce = "1320562132";
    public const string GuideMsgSignature = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
    public const string GuideEncrypt =
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

    private static readonly byte[] GuideKey = WeChatPushOptionsValidator.AesKeyOf(GuideEncodingAesKey)!;

    [Test]
    public void Signature_OfTheGuidesMessage_IsTheGuidesMsgSignature()
    {
        var signature = WeChatMessageCrypto.Signature(GuideToken, GuideTimestamp, GuideNonce, GuideEncrypt);

        Assert.Multiple(() =>
        {
            Assert.That(signature, Is.EqualTo(GuideMsgSignature));
            Assert.That(WeChatMessageCrypto.SignatureMatches(GuideMsgSignature, GuideEncrypt, GuideNonce, GuideTimestamp, GuideToken), Is.True);
        });
    }

    [TestCase("")]
    [TestCase(null)]
    [TestCase("5d197aaffba7e9b25a30732f161a50dee96bd5fb")]
    [TestCase("5D197AAFFBA7E9B25A30732F161A50DEE96BD5FA")]
    [TestCase("5d197aaffba7e9b25a30732f161a50dee96bd5f")]
    public void SignatureMatches_RefusesAnyOtherValue(string? given)
    {
        Assert.That(WeChatMessageCrypto.SignatureMatches(given, GuideToken, GuideTimestamp, GuideNonce, GuideEncrypt), Is.False);
    }

    [Test]
    public void Decrypt_OfTheGuidesMessage_GivesItsTextMessageAndAppId()
    {
        var (message, appId) = WeChatMessageCrypto.Decrypt(GuideKey, GuideEncrypt);

        Assert.Multiple(() =>
        {
            Assert.That(appId, Is.EqualTo(GuideAppId));
            Assert.That(message, Does.StartWith("<xml>"));
            Assert.That(message, Does.Contain("oyORnuP8q7ou2gfYjqLzSIWZf0rs"));
            Assert.That(message, Does.Contain("abcdteT"));
        });
        var parsed = WeChatPushMessage.Parse(message, WeChatPushFormat.Xml)!;
        Assert.Multiple(() =>
        {
            Assert.That(parsed["FromUserName"], Is.EqualTo("oyORnuP8q7ou2gfYjqLzSIWZf0rs"));
            Assert.That(parsed["Content"], Is.EqualTo("abcdteT"));
            Assert.That(parsed.MsgType, Is.EqualTo("text"));
        });
    }

    [TestCase("")]
    [TestCase("{\"OpenID\":\"o1\",\"Event\":\"user_authorization_revoke\"}")]
    [TestCase("<xml><Content><![CDATA[小程序 🐼]]></Content></xml>")]
    public void Encrypt_ThenDecrypt_GivesTheMessageAndAppIdBack(string message)
    {
        var encrypt = WeChatMessageCrypto.Encrypt(GuideKey, message, "wx-our-app");

        var (decrypted, appId) = WeChatMessageCrypto.Decrypt(GuideKey, encrypt);

        Assert.Multiple(() =>
        {
            Assert.That(decrypted, Is.EqualTo(message));
            Assert.That(appId, Is.EqualTo("wx-our-app"));
        });
    }

    [Test]
    public void Encrypt_PadsTo32ByteBlocks_AWholeBlockWhenTheLengthIsAlreadyAMultiple()
    {
        // 16 random + 4 length + 8 message + 4 AppID = 32: the padding is one whole 32-byte block.
        var exact = Convert.FromBase64String(WeChatMessageCrypto.Encrypt(GuideKey, "12345678", "wxab"));
        var shorter = Convert.FromBase64String(WeChatMessageCrypto.Encrypt(GuideKey, "1234567", "wxab"));

        Assert.Multiple(() =>
        {
            Assert.That(exact, Has.Length.EqualTo(64));
            Assert.That(shorter, Has.Length.EqualTo(32));
        });
    }

    [Test]
    public void Encrypt_UsesFreshRandomBytes_SoTheSameMessageEncryptsDifferently()
    {
        var first = WeChatMessageCrypto.Encrypt(GuideKey, "same", "wxab");
        var second = WeChatMessageCrypto.Encrypt(GuideKey, "same", "wxab");

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void Decrypt_WithAnotherKey_Fails()
    {
        var otherKey = WeChatPushOptionsValidator.AesKeyOf("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut")!;

        Assert.Throws<WeChatMessageCryptoException>(() => WeChatMessageCrypto.Decrypt(otherKey, GuideEncrypt));
    }

    [TestCase("not base64!")]
    [TestCase("AAAA")]
    [TestCase("")]
    public void Decrypt_OfMalformedInput_Fails(string encrypt)
    {
        Assert.Throws<WeChatMessageCryptoException>(() => WeChatMessageCrypto.Decrypt(GuideKey, encrypt));
    }

    [Test]
    public void Decrypt_OfALengthBeyondThePlaintext_Fails()
    {
        var plain = new byte[32];
        plain[19] = 200; // message length 200 in a 32-byte plaintext
        plain[31] = 32;  // would-be padding of a full block: invalid below the 16 + 4 prefix
        plain.AsSpan(20, 12).Fill(1);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = GuideKey;
        var encrypt = Convert.ToBase64String(aes.EncryptCbc(plain, GuideKey.AsSpan(0, 16), System.Security.Cryptography.PaddingMode.None));

        Assert.Throws<WeChatMessageCryptoException>(() => WeChatMessageCrypto.Decrypt(GuideKey, encrypt));
    }

    [Test]
    public void AesKeyOf_DecodesTheConsolesKeyWithAnAddedEquals_To32Bytes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WeChatPushOptionsValidator.AesKeyOf(GuideEncodingAesKey), Is.EqualTo(Convert.FromBase64String(GuideEncodingAesKey + "=")));
            Assert.That(WeChatPushOptionsValidator.AesKeyOf(GuideEncodingAesKey), Has.Length.EqualTo(32));
            Assert.That(WeChatPushOptionsValidator.AesKeyOf(GuideEncodingAesKey[..42]), Is.Null);
            Assert.That(WeChatPushOptionsValidator.AesKeyOf(GuideEncodingAesKey[..42] + "-"), Is.Null);
            Assert.That(Encoding.ASCII.GetByteCount(GuideEncodingAesKey), Is.EqualTo(43));
        });
    }
}
