using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Models;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Controllers;

[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class UserControllerLoginTests(DatabaseProvider provider) : AppFixture(provider)
{
    [Test]
    public async Task Login_ReturnsTokenAndUser_WhenCodeIsValid()
    {
        var response = await Client.PostAsJsonAsync("/api/user/login", new { code = "happy.1" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var login = JsonDocument.Parse(body).RootElement;
        var user = login.GetProperty("user");
        Assert.Multiple(() =>
        {
            Assert.That(login.GetProperty("token").GetString(), Has.Length.EqualTo(43));
            Assert.That(login.GetProperty("expiresAt").GetDateTimeOffset(),
                Is.EqualTo(Factory.Clock.GetUtcNow() + TimeSpan.FromDays(7)));
            Assert.That(user.GetProperty("id").GetInt32(), Is.GreaterThan(0));
            Assert.That(user.GetProperty("openId").GetString(), Does.StartWith("o").And.Length.EqualTo(28));
            Assert.That(user.GetProperty("unionId").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(user.TryGetProperty("nickname", out _), Is.True);
            Assert.That(user.TryGetProperty("avatarUrl", out _), Is.True);
            Assert.That(user.GetProperty("createdAt").GetDateTimeOffset(), Is.EqualTo(Factory.Clock.GetUtcNow()));
            Assert.That(body, Does.Not.Contain("session").IgnoreCase.And.Not.Contain("digest").IgnoreCase);
        });
    }

    [Test]
    public async Task Login_AcceptsFormBody_AsOlderClientsSendIt()
    {
        var response = await Client.PostAsync("/api/user/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "form.1" }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("token").GetString(), Has.Length.EqualTo(43));
    }

    [Test]
    public async Task Login_ReturnsSameUser_ForTwoCodesOfOneWeChatUser()
    {
        var first = await Factory.LoginAsync("same.1", Client);
        var second = await Factory.LoginAsync("same.2", Client);

        Assert.Multiple(() =>
        {
            Assert.That(second.User.Id, Is.EqualTo(first.User.Id));
            Assert.That(second.User.OpenId, Is.EqualTo(first.User.OpenId));
            Assert.That(second.Token, Is.Not.EqualTo(first.Token));
        });
    }

    [Test]
    public async Task Login_StoresUnionId_WhenWeChatSendsOne()
    {
        var login = await Factory.LoginAsync("union-carol.1", Client);

        Assert.That(login.User.UnionId, Does.StartWith("u").And.Length.EqualTo(28));
        Assert.That((await StoredUserAsync(login.User.Id)).UnionId, Is.EqualTo(login.User.UnionId));
    }

    [Test]
    public async Task Login_ReplacesPreviousToken()
    {
        var first = await Factory.LoginAsync("replace.1", Client);
        var second = await Factory.LoginAsync("replace.2", Client);

        Assert.Multiple(async () =>
        {
            Assert.That((await Client.GetMeAsync(first.Token)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((await Client.GetMeAsync(second.Token)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Login_AnswersCodeUsed_WhenCodeIsReused()
    {
        await Factory.LoginAsync("reuse.1", Client);

        var response = await Client.PostAsJsonAsync("/api/user/login", new { code = "reuse.1" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_used");
    }

    [TestCase("wx-40029", HttpStatusCode.BadRequest, "code_invalid")]
    [TestCase("wx-40163", HttpStatusCode.BadRequest, "code_used")]
    [TestCase("wx-45011", HttpStatusCode.TooManyRequests, "wx_rate_limited")]
    [TestCase("wx-40226", HttpStatusCode.Forbidden, "wx_user_blocked")]
    [TestCase("wx--1", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-http500", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-notjson", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-timeout", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-connfail", HttpStatusCode.ServiceUnavailable, "wx_unavailable")]
    [TestCase("wx-40013", HttpStatusCode.InternalServerError, "wx_misconfigured")]
    [TestCase("wx-40125", HttpStatusCode.InternalServerError, "wx_misconfigured")]
    [TestCase("wx-41002", HttpStatusCode.InternalServerError, "wx_misconfigured")]
    [TestCase("wx-41004", HttpStatusCode.InternalServerError, "wx_misconfigured")]
    [TestCase("wx-61234", HttpStatusCode.BadGateway, "wx_error")]
    public async Task Login_MapsWeChatFailures_AndWritesNothing(string code, HttpStatusCode status, string errorCode)
    {
        var usersBefore = await CountUsersAsync();

        var response = await Client.PostAsJsonAsync("/api/user/login", new { code });

        var problem = await ProblemAssert.IsProblemAsync(response, status, errorCode);
        Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
        if (errorCode == "wx_error")
        {
            Assert.That(problem.GetProperty("errcode").GetInt32(), Is.EqualTo(61234));
        }
        Assert.That(await CountUsersAsync(), Is.EqualTo(usersBefore));
    }

    [Test]
    public async Task Login_AnswersCodeMissing_WhenThereIsNoBody()
    {
        var response = await Client.PostAsync("/api/user/login", null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_missing");
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("""{"code": null}""")]
    [TestCase("""{"code": ""}""")]
    [TestCase("""{"code": "   "}""")]
    public async Task Login_AnswersCodeMissing_WhenCodeIsAbsentOrBlank(string json)
    {
        var response = await PostJsonAsync(json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_missing");
    }

    [Test]
    public async Task Login_AnswersCodeMissing_WhenFormHasNoCode()
    {
        var response = await Client.PostAsync("/api/user/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["other"] = "x" }));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_missing");
    }

    [TestCase("{not json")]
    [TestCase("""{"code": 42}""")]
    [TestCase("[]")]
    public async Task Login_AnswersInvalidRequest_WhenBodyIsNotTheExpectedJson(string json)
    {
        var response = await PostJsonAsync(json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Login_AnswersInvalidRequest_WhenCodeIsTooLong()
    {
        var response = await Client.PostAsJsonAsync("/api/user/login", new { code = new string('a', 129) });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Login_AcceptsCodeOfMaximumLength()
    {
        var response = await Client.PostAsJsonAsync("/api/user/login", new { code = new string('m', 128) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [TestCase("abc\u0000def")]
    [TestCase("abc\ndef")]
    [TestCase("abc\u007f")]
    public async Task Login_AnswersInvalidRequest_WhenCodeHasControlCharacters(string code)
    {
        var response = await Client.PostAsJsonAsync("/api/user/login", new { code });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Login_AnswersUnsupportedMediaType_ForPlainText()
    {
        var response = await Client.PostAsync("/api/user/login", new StringContent("code=x", Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Test]
    public async Task Login_CreatesExactlyOneUser_WhenManyFirstLoginsOfOneOpenIdRace()
    {
        const int logins = 24;

        var responses = await Task.WhenAll(Enumerable.Range(0, logins).Select(i =>
            Client.PostAsJsonAsync("/api/user/login", new { code = $"racer.{i}" })));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK), string.Join("\n", bodies));
        var ids = bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("user").GetProperty("id").GetInt32()).Distinct();
        var openId = JsonDocument.Parse(bodies[0]).RootElement.GetProperty("user").GetProperty("openId").GetString();
        await using var db = OpenDb();
        Assert.Multiple(async () =>
        {
            Assert.That(ids.Count(), Is.EqualTo(1));
            Assert.That(await db.Users.CountAsync(u => u.OpenId == openId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Login_StoresNeitherTokenNorSessionKeyInClear()
    {
        var login = await Factory.LoginAsync("stored.1", Client);

        var user = await StoredUserAsync(login.User.Id);
        var sessionKey = UnprotectSessionKey(user);
        var row = await RawRowAsync(login.User.Id);
        Assert.Multiple(() =>
        {
            Assert.That(Convert.FromBase64String(sessionKey), Has.Length.EqualTo(16));
            Assert.That(user.TokenDigest, Is.EqualTo(TokenService.Digest(login.Token)));
            Assert.That(row, Does.Not.Contain(login.Token));
            Assert.That(row, Does.Not.Contain(sessionKey));
            Assert.That(user.SessionKeyProtected, Is.Not.EqualTo(sessionKey));
        });
    }

    [Test]
    public async Task SessionKeyAndSecret_NeverAppearInResponsesOrLogs()
    {
        var login = await Client.PostAsJsonAsync("/api/user/login", new { code = "leak.1" });
        var loginBody = await login.Content.ReadAsStringAsync();
        var token = JsonDocument.Parse(loginBody).RootElement.GetProperty("token").GetString()!;
        var id = JsonDocument.Parse(loginBody).RootElement.GetProperty("user").GetProperty("id").GetInt32();
        var me = await (await Client.GetMeAsync(token)).Content.ReadAsStringAsync();
        var failed = await (await Client.PostAsJsonAsync("/api/user/login", new { code = "wx-40125" })).Content.ReadAsStringAsync();
        var timedOut = await (await Client.PostAsJsonAsync("/api/user/login", new { code = "wx-connfail" })).Content.ReadAsStringAsync();

        var sessionKey = UnprotectSessionKey(await StoredUserAsync(id));
        var everything = string.Join("\n", [loginBody, me, failed, timedOut, .. Factory.Logs]);
        Assert.Multiple(() =>
        {
            Assert.That(Factory.Logs, Is.Not.Empty, "the log capture must see the app's lines");
            Assert.That(everything, Does.Not.Contain(sessionKey));
            Assert.That(everything, Does.Not.Contain(Uri.EscapeDataString(sessionKey)));
            Assert.That(everything, Does.Not.Contain(WxLoginFactory.AppSecret));
            Assert.That(string.Join("\n", Factory.Logs), Does.Not.Contain(token), "the token itself is not logged either");
        });
    }

    private Task<HttpResponseMessage> PostJsonAsync(string json) =>
        Client.PostAsync("/api/user/login", new StringContent(json, Encoding.UTF8, "application/json"));

    private AppDbContext OpenDb() => Factory.OpenDb();

    private async Task<int> CountUsersAsync()
    {
        await using var db = OpenDb();
        return await db.Users.CountAsync();
    }

    private async Task<User> StoredUserAsync(int id)
    {
        await using var db = OpenDb();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    /// <summary>The whole row as text, every column, the way a database dump would show it.</summary>
    private async Task<string> RawRowAsync(int id)
    {
        await using var connection = await Factory.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT * FROM "Users" WHERE "Id" = {id}""";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        var values = new List<string>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.GetValue(i);
            values.Add(value is byte[] bytes ? Convert.ToBase64String(bytes) + " " + Encoding.UTF8.GetString(bytes) : value.ToString() ?? "");
        }
        return string.Join("|", values);
    }

    private string UnprotectSessionKey(User user) =>
        Factory.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(SessionKeyProtector.Purpose)
            .Unprotect(user.SessionKeyProtected!);
}
