using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Options;

/// <summary>A bad configuration stops the app at start, with a message that says what to set.</summary>
public sealed class OptionsValidationTests
{
    [TestCase("WeChat:AppId")]
    [TestCase("WeChat:AppSecret")]
    public void LiveMode_WithoutCredentials_RefusesToStart(string missing)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live", [missing] = "" });

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("WeChat__AppId and WeChat__AppSecret"));
    }

    [Test]
    public void EmulatorMode_InProduction_RefusesToStart()
    {
        using var factory = new WxLoginFactory(environment: "Production");

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("refused in Production"));
    }

    [Test]
    public async Task LiveMode_InProduction_StartsWithCredentials()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live" }, environment: "Production")
        {
            WeChatHandler = StubHttpHandler.Text("""{"session_key":"tiihtNczf5v6AKRyjwEUhQ==","openid":"oProd"}"""),
        };

        var login = await factory.LoginAsync("prod-code");

        Assert.That(login.User.OpenId, Is.EqualTo("oProd"));
    }

    [TestCase("Auth:TokenLifetime", "00:00:10")]
    [TestCase("WeChat:Timeout", "00:05:00")]
    [TestCase("Auth:LoginPermitsPerMinute", "0")]
    public void OutOfRangeSettings_RefuseToStart(string key, string value)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain(key.Split(':')[1]));
    }
}
