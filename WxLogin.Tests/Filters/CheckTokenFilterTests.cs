using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Filters;

namespace WxLogin.Tests.Filters;

public sealed class CheckTokenFilterTests : AppFixture
{
    [TestCase("Bearer {0}")]
    [TestCase("bearer {0}")]
    [TestCase("{0}")]
    [TestCase("  Bearer   {0}  ")]
    public async Task Me_ReturnsUser_ForBearerOrBareToken(string headerFormat)
    {
        var login = await Factory.LoginAsync($"me-{Guid.NewGuid():N}", Client);

        var response = await SendAsync(HttpMethod.Get, "/api/user/me", string.Format(headerFormat, login.Token));

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var user = JsonDocument.Parse(body).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
            Assert.That(user.GetProperty("openId").GetString(), Is.EqualTo(login.User.OpenId));
            Assert.That(user.GetProperty("createdAt").GetDateTimeOffset(), Is.EqualTo(login.User.CreatedAt));
            Assert.That(body, Does.Not.Contain("session").IgnoreCase.And.Not.Contain("digest").IgnoreCase);
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Bearer")]
    [TestCase("Bearer    ")]
    public async Task Me_AnswersTokenMissing_WithoutToken(string? header)
    {
        var response = await SendAsync(HttpMethod.Get, "/api/user/me", header);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
    }

    [TestCase("not-a-token")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("Basic dXNlcjpwYXNz")]
    public async Task Me_AnswersTokenInvalid_ForUnknownOrMalformedToken(string header)
    {
        var response = await SendAsync(HttpMethod.Get, "/api/user/me", header);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_invalid");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
    }

    [TestCase("Bearer Bearer {0}")]
    [TestCase("bearer BEARER {0}")]
    public async Task Me_AnswersTokenInvalid_SayingTheSchemeIsDoubled_ForBearerBearer(string headerFormat)
    {
        var login = await Factory.LoginAsync($"me-doubled-{Guid.NewGuid():N}", Client);

        var response = await SendAsync(HttpMethod.Get, "/api/user/me", string.Format(headerFormat, login.Token));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_invalid");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("scheme twice").And.Contain("raw token"));
    }

    [Test]
    public async Task Me_AnswersTokenInvalid_OnceTheTokenExpires()
    {
        // A fixture of its own, so moving its clock disturbs no other test.
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Auth:TokenLifetime"] = "01:00:00" });
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("expiring.1", client);

        factory.Clock.Advance(TimeSpan.FromMinutes(59));
        var beforeExpiry = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {login.Token}", client);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var atExpiry = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {login.Token}", client);

        Assert.That(login.ExpiresAt, Is.EqualTo(factory.Clock.GetUtcNow()));
        Assert.That(beforeExpiry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(atExpiry, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task Me_AnswersTokenReplaced_ForTheTokenThatANewerLoginOfTheSameAccountReplaced()
    {
        var phone = await Factory.LoginAsync("two-devices.1", Client);
        var computer = await Factory.LoginAsync("two-devices.2", Client); // the same WeChat user on PC WeChat

        var old = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {phone.Token}");
        var current = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {computer.Token}");

        Assert.That(computer.User.Id, Is.EqualTo(phone.User.Id));
        await ProblemAssert.IsProblemAsync(old, HttpStatusCode.Unauthorized, "token_replaced");
        Assert.That(old.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        Assert.That(current.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Me_AnswersTokenInvalid_ForALoggedOutToken_EvenAfterANewerLogin()
    {
        var first = await Factory.LoginAsync("out-then-in.1", Client);
        await SendAsync(HttpMethod.Post, "/api/user/logout", $"Bearer {first.Token}");
        await Factory.LoginAsync("out-then-in.2", Client);

        var response = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {first.Token}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task Me_AnswersTokenInvalid_ForATokenThatHadExpiredBeforeTheNextLogin()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Auth:TokenLifetime"] = "01:00:00" });
        using var client = factory.CreateClient();
        var expired = await factory.LoginAsync("expired-then-in.1", client);
        factory.Clock.Advance(TimeSpan.FromHours(2));
        await factory.LoginAsync("expired-then-in.2", client);

        var response = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {expired.Token}", client);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task Logout_RevokesTheToken()
    {
        var login = await Factory.LoginAsync("logout.1", Client);

        var logout = await SendAsync(HttpMethod.Post, "/api/user/logout", $"Bearer {login.Token}");
        var me = await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {login.Token}");
        var logoutAgain = await SendAsync(HttpMethod.Post, "/api/user/logout", $"Bearer {login.Token}");

        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await logout.Content.ReadAsStringAsync(), Is.Empty);
        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "token_invalid");
        await ProblemAssert.IsProblemAsync(logoutAgain, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task Logout_AnswersTokenMissing_WithoutToken()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/user/logout", null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
    }

    [Test]
    public async Task Login_AfterLogout_GivesAWorkingToken()
    {
        await SendAsync(HttpMethod.Post, "/api/user/logout", $"Bearer {(await Factory.LoginAsync("again.1", Client)).Token}");

        var login = await Factory.LoginAsync("again.2", Client);

        Assert.That((await SendAsync(HttpMethod.Get, "/api/user/me", $"Bearer {login.Token}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TokenLookup_UsesTheTokenDigestIndex()
    {
        await Factory.LoginAsync("plan.1", Client);
        await using var connection = new SqliteConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteTokenReader.Sql;
        command.Parameters.AddWithValue("@digest", new byte[32]);

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.That(string.Join("\n", plan), Does.Match(@"SEARCH (TABLE )?Users USING INDEX IX_Users_TokenDigest \(TokenDigest=\?\)"));
    }

    [TestCase("Bearer abc", "abc")]
    [TestCase("BEARER abc", "abc")]
    [TestCase("abc", "abc")]
    [TestCase(" Bearer  abc ", "abc")]
    [TestCase("Bearer", null)]
    [TestCase("", null)]
    [TestCase("   ", null)]
    [TestCase("Bearer ", null)]
    public void ReadToken_AcceptsBearerAndBareForms(string header, string? expected)
    {
        Assert.That(CheckTokenFilter.ReadToken(header), Is.EqualTo(expected));
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? authorization, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return (client ?? Client).SendAsync(request);
    }
}
