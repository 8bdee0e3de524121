using System.Net;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Emulator;

namespace WxLogin.Tests.Emulator;

public sealed class DevControllerTests
{
    [Test]
    public async Task Encrypt_GivesDataThatThePhoneEndpointDecrypts_ByDefaultAnEmulatedNumber()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("dev.1", client);

        var (encryptedData, iv) = await client.EncryptForAsync(login.Token);
        var phone = await (await client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", login.Token, new { encryptedData, iv })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Convert.FromBase64String(iv), Has.Length.EqualTo(16));
            Assert.That(Convert.FromBase64String(encryptedData).Length % 16, Is.Zero);
            Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo(WeChatEmulator.EmulatedPhoneNumber(login.User.OpenId)));
            Assert.That(phone.GetProperty("countryCode").GetString(), Is.EqualTo("86"));
        });
    }

    [Test]
    public async Task Encrypt_AnswersTokenMissing_WithoutAuthorization()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/dev/encrypt", null, null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
    }

    [Test]
    public async Task Encrypt_DoesNotExist_OutsideDevelopment()
    {
        using var factory = new WxLoginFactory(environment: "Staging");
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("dev-staging.1", client);

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/dev/encrypt", login.Token, null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
