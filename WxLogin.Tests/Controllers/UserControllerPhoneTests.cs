using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Emulator;
using WxLogin.Web.Models;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Controllers;

[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class UserControllerPhoneTests(DatabaseProvider provider) : AppFixture(provider)
{
    private WeChatEmulator Emulator => Factory.Services.GetRequiredService<WeChatEmulator>();

    [Test]
    public async Task Phone_BindsTheNumber_WhenCodeIsValid()
    {
        var login = await Factory.LoginAsync("phone-code.1", Client);
        var expected = WeChatEmulator.EmulatedPhoneNumber("phone-code");

        var phone = await (await PostPhoneAsync(login.Token, new { code = "phone-code.1" })).IsOkAsync();

        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        var stored = await StoredUserAsync(login.User.Id);
        Assert.Multiple(() =>
        {
            Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo(expected));
            Assert.That(phone.GetProperty("purePhoneNumber").GetString(), Is.EqualTo(expected));
            Assert.That(phone.GetProperty("countryCode").GetString(), Is.EqualTo("86"), "the number 86 arrives as text");
            Assert.That(me.GetProperty("phoneNumber").GetString(), Is.EqualTo(expected));
            Assert.That(stored.PurePhoneNumber, Is.EqualTo(expected));
            Assert.That(stored.CountryCode, Is.EqualTo("86"));
        });
    }

    [Test]
    public async Task Phone_AcceptsCountryCodeAsAString()
    {
        var login = await Factory.LoginAsync("phone-text.1", Client);

        var phone = await (await PostPhoneAsync(login.Token, new { code = "text-phone.1" })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(phone.GetProperty("countryCode").GetString(), Is.EqualTo("86"));
            Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo(WeChatEmulator.EmulatedPhoneNumber("text-phone")));
        });
    }

    [Test]
    public async Task Phone_AnswersCodeInvalid_WhenThePhoneCodeIsReused()
    {
        var login = await Factory.LoginAsync("phone-reuse.1", Client);
        await (await PostPhoneAsync(login.Token, new { code = "reused-phone.1" })).IsOkAsync();

        var response = await PostPhoneAsync(login.Token, new { code = "reused-phone.1" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_invalid");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("phone-number button").And.Not.Contain("wx.login"));
    }

    [TestCase("wx-40029", HttpStatusCode.BadRequest, "code_invalid")]
    [TestCase("wx-45011", HttpStatusCode.TooManyRequests, "wx_rate_limited")]
    [TestCase("wx--1", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-http500", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-notjson", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-timeout", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-connfail", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-40013", HttpStatusCode.InternalServerError, "wx_misconfigured")]
    [TestCase("wx-61234", HttpStatusCode.BadGateway, "wx_error")]
    public async Task Phone_MapsWeChatFailures_AndBindsNothing(string code, HttpStatusCode status, string errorCode)
    {
        var login = await Factory.LoginAsync($"phone-fail{code}.1", Client);

        var response = await PostPhoneAsync(login.Token, new { code });

        var problem = await ProblemAssert.IsProblemAsync(response, status, errorCode);
        Assert.Multiple(async () =>
        {
            Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
            Assert.That((await StoredUserAsync(login.User.Id)).PhoneNumber, Is.Null);
        });
    }

    [Test]
    public async Task Phone_RefetchesTheTokenOnceAndRetriesOnce_WhenWeChatSaysItExpired()
    {
        var login = await Factory.LoginAsync("phone-expired.1", Client);
        await (await PostPhoneAsync(login.Token, new { code = "warm-up.1" })).IsOkAsync();
        var fetches = Emulator.StableTokenFetches;
        var calls = Emulator.PhoneNumberCalls;
        Emulator.ExpireAccessToken();

        var phone = await (await PostPhoneAsync(login.Token, new { code = "after-expiry.1" })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo(WeChatEmulator.EmulatedPhoneNumber("after-expiry")));
            Assert.That(Emulator.StableTokenFetches - fetches, Is.EqualTo(1), "one refetch");
            Assert.That(Emulator.PhoneNumberCalls - calls, Is.EqualTo(2), "the refused call and one retry");
        });
    }

    [Test]
    public async Task Phone_GivesUpAfterOneRetry_WhenWeChatKeepsRefusingTheToken()
    {
        var login = await Factory.LoginAsync("phone-refused.1", Client);
        await (await PostPhoneAsync(login.Token, new { code = "warm-up-2.1" })).IsOkAsync();
        var fetches = Emulator.StableTokenFetches;
        var calls = Emulator.PhoneNumberCalls;

        var response = await PostPhoneAsync(login.Token, new { code = "wx-40001" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.Multiple(() =>
        {
            Assert.That(Emulator.StableTokenFetches - fetches, Is.EqualTo(1), "one refetch, not a loop");
            Assert.That(Emulator.PhoneNumberCalls - calls, Is.EqualTo(2), "one call, one retry");
        });
    }

    [Test]
    public async Task Phone_FetchesTheAccessTokenExactlyOnce_For50ConcurrentRequestsOnAColdCache()
    {
        using var factory = new WxLoginFactory(provider: Provider);
        using var client = factory.CreateClient();
        var emulator = factory.Services.GetRequiredService<WeChatEmulator>();
        var login = await factory.LoginAsync("cold.1", client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", login.Token, new { code = $"cold-{i}.1" })));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK), string.Join("\n", bodies));
            Assert.That(emulator.StableTokenFetches, Is.EqualTo(1));
            Assert.That(emulator.PhoneNumberCalls, Is.EqualTo(50));
        });
    }

    [Test]
    public async Task Phone_BindsTheNumber_FromEncryptedData()
    {
        var login = await Factory.LoginAsync("phone-old.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token,
            new { phoneNumber = "+85251234567", purePhoneNumber = "51234567", countryCode = "852" });

        var phone = await (await PostPhoneAsync(login.Token, new { encryptedData, iv })).IsOkAsync();

        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.Multiple(() =>
        {
            Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo("+85251234567"));
            Assert.That(phone.GetProperty("purePhoneNumber").GetString(), Is.EqualTo("51234567"));
            Assert.That(phone.GetProperty("countryCode").GetString(), Is.EqualTo("852"));
            Assert.That(me.GetProperty("phoneNumber").GetString(), Is.EqualTo("+85251234567"));
        });
    }

    [Test]
    public async Task Phone_AcceptsEncryptedDataWithLineBreaks_AndANumericCountryCode()
    {
        var login = await Factory.LoginAsync("phone-wrapped.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token,
            new { phoneNumber = "13800138000", purePhoneNumber = "13800138000", countryCode = 86 });
        var wrapped = string.Join("\r\n", encryptedData.Chunk(64).Select(line => new string(line)));

        var phone = await (await PostPhoneAsync(login.Token, new { encryptedData = wrapped, iv })).IsOkAsync();

        Assert.That(phone.GetProperty("countryCode").GetString(), Is.EqualTo("86"));
    }

    [Test]
    public async Task Phone_UsesTheCode_WhenTheClientSendsCodeAndEncryptedData()
    {
        var login = await Factory.LoginAsync("phone-both.1", Client);

        var phone = await (await PostPhoneAsync(login.Token,
            new { code = "both-phone.1", encryptedData = "garbage", iv = "garbage" })).IsOkAsync();

        Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo(WeChatEmulator.EmulatedPhoneNumber("both-phone")));
    }

    [Test]
    public async Task Phone_AnswersSessionKeyStale_WhenTheUserLoggedInAgainSinceTheDataWasMade()
    {
        var login = await Factory.LoginAsync("phone-stale.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token);
        var again = await Factory.LoginAsync("phone-stale.2", Client);

        var response = await PostPhoneAsync(again.Token, new { encryptedData, iv });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "session_key_stale");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("wx.login").And.Contain("retry"));
    }

    [Test]
    public async Task Phone_AnswersSessionKeyStale_ForAWrongIvOfValidLength()
    {
        var login = await Factory.LoginAsync("phone-wrong-iv.1", Client);
        var (encryptedData, _) = await Client.EncryptForAsync(login.Token);

        var response = await PostPhoneAsync(login.Token, new { encryptedData, iv = Convert.ToBase64String(new byte[16]) });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "session_key_stale");
    }

    [Test]
    public async Task Phone_AnswersSessionKeyStale_WhenTheStoredKeyNoLongerUnprotects()
    {
        var login = await Factory.LoginAsync("phone-lost-keys.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token);
        await using (var db = OpenDb())
        {
            var user = await db.Users.SingleAsync(u => u.Id == login.User.Id);
            user.SessionKeyProtected = "not-a-protected-payload";
            await db.SaveChangesAsync();
        }

        var response = await PostPhoneAsync(login.Token, new { encryptedData, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "session_key_stale");
    }

    [Test]
    public async Task Phone_AnswersWatermarkMismatch_ForDataOfAnotherApp()
    {
        var login = await Factory.LoginAsync("phone-other-app.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new
        {
            phoneNumber = "13800138000",
            purePhoneNumber = "13800138000",
            countryCode = "86",
            watermark = new { timestamp = 1795680000, appid = "wx-other-app" },
        });

        var response = await PostPhoneAsync(login.Token, new { encryptedData, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "watermark_mismatch");
        Assert.That((await StoredUserAsync(login.User.Id)).PhoneNumber, Is.Null);
    }

    [Test]
    public async Task Phone_AnswersInvalidRequest_WhenTheDecryptedDataHoldsNoPhoneNumber()
    {
        var login = await Factory.LoginAsync("phone-userinfo.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new { nickName = "not a phone" });

        var response = await PostPhoneAsync(login.Token, new { encryptedData, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [TestCase("{}")]
    [TestCase("""{"code": "   "}""")]
    [TestCase("""{"code": 42}""")]
    [TestCase("""{"encryptedData": "nlQtoLW7t1XL+q5JzMNHyw=="}""")]
    [TestCase("""{"iv": "ZkVph+HfqC+LjSAuannzFw=="}""")]
    [TestCase("""{"encryptedData": "not base64!", "iv": "ZkVph+HfqC+LjSAuannzFw=="}""")]
    [TestCase("""{"encryptedData": "nlQtoLW7t1XL+q5JzMNHyw==", "iv": "ZkVph+HfqC+LjSAuannz"}""")]
    [TestCase("""{"encryptedData": "nlQtoLW7t1XL+q5JzMNH", "iv": "ZkVph+HfqC+LjSAuannzFw=="}""")]
    [TestCase("""{"code": "abc\ndef"}""")]
    [TestCase("{not json")]
    public async Task Phone_AnswersInvalidRequest_ForMalformedBodies(string json)
    {
        var login = await Factory.LoginAsync($"phone-malformed-{Guid.NewGuid():N}", Client);

        var response = await PostPhoneAsync(login.Token, json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Phone_AnswersInvalidRequest_WhenThereIsNoBody()
    {
        var login = await Factory.LoginAsync("phone-nobody.1", Client);

        var response = await PostPhoneAsync(login.Token, null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Phone_AnswersInvalidRequest_WhenTheCodeIsTooLong()
    {
        var login = await Factory.LoginAsync("phone-long.1", Client);

        var response = await PostPhoneAsync(login.Token, new { code = new string('p', WeChatCode.MaxLength + 1) });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Phone_AnswersTokenMissing_WithoutAuthorization()
    {
        var calls = Emulator.PhoneNumberCalls;

        var response = await PostPhoneAsync(null, new { code = "anonymous.1" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
        Assert.That(Emulator.PhoneNumberCalls, Is.EqualTo(calls));
    }

    [Test]
    public async Task Phone_AnswersTokenInvalid_AfterLogout()
    {
        var login = await Factory.LoginAsync("phone-logout.1", Client);
        await Client.SendJsonAsync(HttpMethod.Post, "/api/user/logout", login.Token, null);

        var response = await PostPhoneAsync(login.Token, new { code = "after-logout.1" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task SessionKeyAccessTokenAndSecret_NeverAppearInPhoneResponsesOrLogs()
    {
        var login = await Factory.LoginAsync("phone-leak.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token);
        var bodies = new List<string>();
        foreach (var body in new object[]
        {
            new { code = "leak-phone.1" },
            new { code = "leak-phone.1" },
            new { code = "wx-40001" },
            new { code = "wx-connfail" },
            new { code = "wx-40013" },
            new { encryptedData, iv },
            new { encryptedData, iv = Convert.ToBase64String(new byte[16]) },
            new { encryptedData = "%%%", iv },
        })
        {
            bodies.Add(await (await PostPhoneAsync(login.Token, body)).Content.ReadAsStringAsync());
        }
        Emulator.ExpireAccessToken();
        bodies.Add(await (await PostPhoneAsync(login.Token, new { code = "leak-phone.2" })).Content.ReadAsStringAsync());
        bodies.Add(await (await Client.GetMeAsync(login.Token)).Content.ReadAsStringAsync());

        var accessToken = await Factory.Services.GetRequiredService<AccessTokenProvider>().GetTokenAsync(CancellationToken.None);
        var sessionKey = Factory.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(SessionKeyProtector.Purpose)
            .Unprotect((await StoredUserAsync(login.User.Id)).SessionKeyProtected!);
        var everything = string.Join("\n", [.. bodies, .. Factory.Logs]);
        Assert.Multiple(() =>
        {
            Assert.That(Factory.Logs, Is.Not.Empty, "the log capture must see the app's lines");
            Assert.That(everything, Does.Not.Contain(sessionKey));
            Assert.That(everything, Does.Not.Contain(Uri.EscapeDataString(sessionKey)));
            Assert.That(everything, Does.Not.Contain(accessToken));
            Assert.That(everything, Does.Not.Contain("emulated-"), "no access_token, current or past");
            Assert.That(everything, Does.Not.Contain("access_token="));
            Assert.That(everything, Does.Not.Contain(WxLoginFactory.AppSecret));
        });
    }

    private Task<HttpResponseMessage> PostPhoneAsync(string? token, object? body) =>
        Client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", token, body);

    private AppDbContext OpenDb() => Factory.OpenDb();

    private async Task<User> StoredUserAsync(int id)
    {
        await using var db = OpenDb();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }
}
