using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Options;

/// <summary>WeChat:PushToken and WeChat:EncodingAESKey of the wrong shape stop the app at start, without echoing them.</summary>
public sealed class WeChatPushOptionsTests
{
    private const string GoodKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    [TestCase("q7")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456")]
    [TestCase("with space")]
    [TestCase("tok-en")]
    [TestCase("令牌令牌")]
    public void APushTokenOfTheWrongShape_RefusesToStart(string token)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = token });

        var said = factory.StartFailure();

        Assert.Multiple(() =>
        {
            Assert.That(said, Does.Contain("(env: WeChat__PushToken) must be 3 to 32 letters or digits"));
            Assert.That(string.Join("\n", factory.Logs), Does.Not.Contain(token));
        });
    }

    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789ABCDE-G")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789ABCDE=G")]
    public void AnEncodingAesKeyOfTheWrongShape_RefusesToStart(string key)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = "token123", ["WeChat:EncodingAESKey"] = key });

        var said = factory.StartFailure();

        Assert.Multiple(() =>
        {
            Assert.That(said, Does.Contain("WeChat__EncodingAESKey) must be exactly 43 characters"));
            Assert.That(string.Join("\n", factory.Logs), Does.Not.Contain(key));
        });
    }

    [Test]
    public void AnEncodingAesKeyWithoutAPushToken_RefusesToStart()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:EncodingAESKey"] = GoodKey });

        var said = factory.StartFailure();

        Assert.That(said, Does.Contain("set WeChat__PushToken too"));
    }

    [TestCase("abc", null)]
    [TestCase("abcdefghijklmnopqrstuvwxyz012345", GoodKey)]
    public async Task WellFormedSettings_Start(string token, string? key)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = token, ["WeChat:EncodingAESKey"] = key });

        var response = await factory.CreateClient().GetAsync("/health");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
        });
    }
}
