using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Controllers;

/// <summary>What the host does around the controller: health, errors, Swagger, rate limits, WeChat base URL.</summary>
public sealed class HostBehaviourTests
{
    [Test]
    public async Task Health_Answers200_WhenTheDatabaseAnswers()
    {
        using var factory = new WxLoginFactory();

        var response = await factory.CreateClient().GetAsync("/health");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Health_Answers503_WhenTheDatabaseDoesNotAnswer()
    {
        var missingFolder = Path.Combine(Path.GetTempPath(), $"wxlogin-missing-{Guid.NewGuid():N}", "x.db");
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:AutoMigrate"] = "false",
            ["ConnectionStrings:Default"] = $"Data Source={missingFolder}",
        });

        var response = await factory.CreateClient().GetAsync("/health");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Unhealthy"));
    }

    [Test]
    public async Task UnexpectedError_Answers500InternalError_WithoutDetails_AndIsLogged()
    {
        using var factory = new WxLoginFactory();
        var client = factory.CreateClient();
        await factory.LoginAsync("before-the-break.1", client);
        await using (var connection = new SqliteConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE Users";
            await drop.ExecuteNonQueryAsync();
        }

        var response = await client.PostAsJsonAsync("/api/user/login", new { code = "after-the-break.1" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.Multiple(() =>
        {
            Assert.That(problem.ToString(), Does.Not.Contain("Sqlite").And.Not.Contain("no such table").And.Not.Contain(" at "));
            Assert.That(factory.Logs, Has.Some.Contains("no such table: Users"));
        });
    }

    [Test]
    public async Task UnknownPathAndWrongMethod_AnswerProblemsWithCodes()
    {
        using var factory = new WxLoginFactory();
        var client = factory.CreateClient();

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/nothing-here"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/user/login"), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Test]
    public async Task Swagger_DescribesTheApi_WithTheBearerSchemeOnProtectedActionsOnly()
    {
        using var factory = new WxLoginFactory();

        var client = factory.CreateClient();
        var ui = await client.GetAsync("/swagger/index.html");
        var response = await client.GetAsync("/swagger/v1/swagger.json");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(ui.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ui.Content.ReadAsStringAsync(), Does.Contain("swagger-ui"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var doc = JsonDocument.Parse(body).RootElement;
        var paths = doc.GetProperty("paths");
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Multiple(() =>
        {
            Assert.That(scheme.GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
            Assert.That(paths.GetProperty("/api/user/login").GetProperty("post").TryGetProperty("security", out _), Is.False);
            Assert.That(paths.GetProperty("/api/user/me").GetProperty("get").GetProperty("security")[0].TryGetProperty("Bearer", out _), Is.True);
            Assert.That(paths.GetProperty("/api/user/logout").GetProperty("post").GetProperty("security")[0].TryGetProperty("Bearer", out _), Is.True);
            var loginBody = paths.GetProperty("/api/user/login").GetProperty("post").GetProperty("requestBody").GetProperty("content");
            Assert.That(loginBody.TryGetProperty("application/json", out _), Is.True);
            Assert.That(loginBody.TryGetProperty("application/x-www-form-urlencoded", out _), Is.True);
        });
    }

    [TestCase("https://wx-proxy.example/wechat")]
    [TestCase("https://wx-proxy.example/wechat/")]
    public async Task LiveMode_CallsApiBaseUrl_WithOrWithoutTrailingSlash(string baseUrl)
    {
        var wechat = StubHttpHandler.Text("""{"session_key":"tiihtNczf5v6AKRyjwEUhQ==","openid":"oLive"}""");
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["WeChat:Mode"] = "Live",
            ["WeChat:ApiBaseUrl"] = baseUrl,
        }) { WeChatHandler = wechat };

        var login = await factory.LoginAsync("live-code");

        Assert.That(login.User.OpenId, Is.EqualTo("oLive"));
        Assert.That(wechat.Requests.Single().GetLeftPart(UriPartial.Path), Is.EqualTo("https://wx-proxy.example/wechat/sns/jscode2session"));
    }
}
