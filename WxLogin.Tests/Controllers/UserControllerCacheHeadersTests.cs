using System.Net;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Controllers;

/// <summary>Answers that carry a token or personal data tell every cache not to keep them.</summary>
public sealed class UserControllerCacheHeadersTests : AppFixture
{
    [Test]
    public async Task Login_IsNotStored()
    {
        var response = await Client.SendJsonAsync(HttpMethod.Post, "/api/user/login", null, new { code = "no-store-login.1" });

        await AssertNotStoredAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task Me_IsNotStored()
    {
        var login = await Factory.LoginAsync("no-store-me.1", Client);

        await AssertNotStoredAsync(await Client.GetMeAsync(login.Token), HttpStatusCode.OK);
    }

    [Test]
    public async Task Phone_IsNotStored()
    {
        var login = await Factory.LoginAsync("no-store-phone.1", Client);

        var response = await Client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", login.Token, new { code = "no-store-phone.2" });

        await AssertNotStoredAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task UserInfo_IsNotStored()
    {
        var login = await Factory.LoginAsync("no-store-info.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new { openId = login.User.OpenId, nickName = "小明" });

        var response = await Client.SendJsonAsync(HttpMethod.Post, "/api/user/userinfo", login.Token, new { encryptedData, iv });

        await AssertNotStoredAsync(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task Profile_IsNotStored()
    {
        var login = await Factory.LoginAsync("no-store-profile.1", Client);

        var response = await Client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", login.Token, new { nickname = "小红" });

        await AssertNotStoredAsync(response, HttpStatusCode.OK);
    }

    private static async Task AssertNotStoredAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(status), body);
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True, $"Cache-Control: {response.Headers.CacheControl}");
            Assert.That(response.Headers.Pragma.Select(pragma => pragma.Name), Has.Member("no-cache"));
        });
    }
}
