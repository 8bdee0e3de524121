using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Emulator;

namespace WxLogin.Tests.Controllers;

/// <summary>
/// Successful logins are not limited per address; rejected codes are: past Auth:RejectedCodesPerMinute in a
/// minute the address waits (429 rate_limited, Retry-After) until its window ends. Every request here comes
/// from one address, as from 200 users behind one NAT.
/// </summary>
public sealed class RejectedCodeLimitTests
{
    private static readonly Dictionary<string, string?> TwentyPerMinute = new() { ["Auth:RejectedCodesPerMinute"] = "20" };

    [Test]
    public async Task Login_LetsTwoHundredUsersFromOneAddressIn()
    {
        using var factory = new WxLoginFactory(TwentyPerMinute);
        var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var user = 0; user < 200; user++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/user/login", new { code = $"nat-user{user}.1" })).StatusCode);
        }

        Assert.That(statuses, Has.Count.EqualTo(200).And.All.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("wx-40029", HttpStatusCode.BadRequest, "code_invalid")]
    [TestCase("not a code!", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task Login_AnswersRateLimited_AfterTwentyRejectedCodes_EvenForAValidCode(string junk, HttpStatusCode junkStatus, string junkCode)
    {
        using var factory = new WxLoginFactory(TwentyPerMinute);
        var client = factory.CreateClient();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/user/login", new { code = junk }), junkStatus, junkCode);
        }

        var limited = await client.PostAsJsonAsync("/api/user/login", new { code = "real-user.1" });

        var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Multiple(() =>
        {
            Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(problem.GetProperty("type").GetString(), Is.EqualTo("https://tools.ietf.org/html/rfc6585#section-4"));
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Too Many Requests"));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("60 seconds"));
        });
    }

    [Test]
    public async Task Login_CountsUsedCodes_ButNotBlankOnes()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Auth:RejectedCodesPerMinute"] = "2" });
        var client = factory.CreateClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/user/login", new { code = " " }), HttpStatusCode.BadRequest, "code_missing");
        }
        await factory.LoginAsync("twice.1", client);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/user/login", new { code = "twice.1" }), HttpStatusCode.BadRequest, "code_used");
        await factory.LoginAsync("fine.1", client);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/user/login", new { code = "twice.1" }), HttpStatusCode.BadRequest, "code_used");
        var limited = await client.PostAsJsonAsync("/api/user/login", new { code = "fine.2" });

        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Test]
    public async Task Login_WorksAgain_WhenTheWindowEnds()
    {
        using var factory = new WxLoginFactory(TwentyPerMinute);
        var client = factory.CreateClient();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await client.PostAsJsonAsync("/api/user/login", new { code = "wx-40163" });
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(45));
        var stillLimited = await client.PostAsJsonAsync("/api/user/login", new { code = "patient.1" });

        factory.Clock.Advance(TimeSpan.FromSeconds(15));
        var again = await client.PostAsJsonAsync("/api/user/login", new { code = "patient.1" });

        await ProblemAssert.IsProblemAsync(stillLimited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.That(stillLimited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(15)));
        var body = await again.IsOkAsync();
        Assert.That(body.GetProperty("token").GetString(), Is.Not.Empty);
    }

    [TestCase("' OR 1=1; DROP TABLE Users;--")]
    [TestCase("code with spaces")]
    [TestCase("ünïcode")]
    [TestCase("a/b")]
    [TestCase("tab\tcode")]
    public async Task Login_RefusesAMalformedCode_WithoutCallingWeChat(string code)
    {
        var wechat = StubHttpHandler.Text("""{"session_key":"tiihtNczf5v6AKRyjwEUhQ==","openid":"oLive"}""");
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live" }) { WeChatHandler = wechat };

        var response = await factory.CreateClient().PostAsJsonAsync("/api/user/login", new { code });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("A-Z, a-z, 0-9"));
        Assert.That(wechat.Requests, Is.Empty);
    }

    [Test]
    public async Task Phone_RefusesAMalformedCode_WithoutCallingWeChat()
    {
        using var factory = new WxLoginFactory();
        var client = factory.CreateClient();
        var login = await factory.LoginAsync("phone-shape.1", client);
        var emulator = factory.Services.GetRequiredService<WeChatEmulator>();
        var calls = emulator.PhoneNumberCalls;

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", login.Token, new { code = "' OR 1=1;--" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.That(emulator.PhoneNumberCalls, Is.EqualTo(calls));
    }

    [Test]
    public async Task Login_RefusesACodeOf129Characters_AndTakesOneOf128()
    {
        using var factory = new WxLoginFactory();
        var client = factory.CreateClient();

        var tooLong = await client.PostAsJsonAsync("/api/user/login", new { code = new string('a', 129) });
        var longest = await client.PostAsJsonAsync("/api/user/login", new { code = new string('b', 128) });

        await ProblemAssert.IsProblemAsync(tooLong, HttpStatusCode.BadRequest, "invalid_request");
        await longest.IsOkAsync();
    }
}
