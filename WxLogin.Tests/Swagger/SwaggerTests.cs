using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using WxLogin.Tests.Infrastructure;
using WxLogin.Tests.Samples;
using WxLogin.Web.Extensions;

namespace WxLogin.Tests.Swagger;

/// <summary>
/// Swagger UI is the manual-testing tool: what it lists must be what the API answers. Run twice: as shipped,
/// and with the Orders sample of docs/extending.md loaded, since a team's own controllers must keep these green.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class SwaggerTests(bool withOrdersSample)
{
    private WxLoginFactory _factory = null!;
    private WebApplicationFactory<Program> _app = null!;

    private HttpClient Client { get; set; } = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        _factory = new WxLoginFactory();
        _app = withOrdersSample ? OrdersSample.Load(_factory) : _factory;
        Client = _app.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        Client.Dispose();
        if (withOrdersSample)
        {
            _app.Dispose();
        }
        _factory.Dispose();
    }

    [Test]
    public async Task Login_ListsEveryStatusItCanAnswer_EachErrorWithTheProblemSchemaAndItsCodes()
    {
        var login = (await DocumentAsync()).GetProperty("paths").GetProperty("/api/user/login").GetProperty("post");

        var responses = login.GetProperty("responses");
        Assert.That(responses.EnumerateObject().Select(r => r.Name),
            Is.EqualTo(new[] { "200", "400", "403", "408", "413", "415", "429", "500", "502", "503" }));
        Assert.Multiple(() =>
        {
            foreach (var response in responses.EnumerateObject().Where(r => r.Name != "200"))
            {
                var problem = response.Value.GetProperty("content").GetProperty("application/problem+json");
                Assert.That(problem.GetProperty("schema").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/ApiProblem"), response.Name);
                Assert.That(problem.GetProperty("example").GetProperty("status").GetInt32(), Is.EqualTo(int.Parse(response.Name)), response.Name);
            }
            Assert.That(Description(responses, "400"), Does.Contain("`code_missing`").And.Contain("`invalid_request`")
                .And.Contain("`code_invalid`").And.Contain("`code_used`"));
            Assert.That(Description(responses, "429"), Does.Contain("`rate_limited`").And.Contain("`wx_rate_limited`"));
            Assert.That(Description(responses, "500"), Does.Contain("`wx_misconfigured`").And.Contain("`internal_error`"));
            Assert.That(Description(responses, "503"), Does.Contain("`wx_unavailable`"));
            Assert.That(responses.TryGetProperty("401", out _), Is.False, "login needs no token");
        });
    }

    [Test]
    public async Task ProtectedActions_List401WithTokenMissingAndTokenInvalid()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");

        Assert.Multiple(() =>
        {
            var protectedActions = new List<(string, string)> { ("/api/user/me", "get"), ("/api/user/logout", "post"), ("/api/dev/encrypt", "post") };
            if (withOrdersSample)
            {
                protectedActions.Add(("/api/orders", "post")); // a team's [CheckToken] action is documented the same way
            }
            foreach (var (path, method) in protectedActions)
            {
                var responses = paths.GetProperty(path).GetProperty(method).GetProperty("responses");
                Assert.That(Description(responses, "401"), Does.Contain("`token_missing`").And.Contain("`token_invalid`"), path);
            }
        });
    }

    [Test]
    public async Task Schemas_AreOurOwn_AndTheProblemHasCodeAndTraceId()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");

        var names = schemas.EnumerateObject().Select(s => s.Name).ToList();
        var problem = schemas.GetProperty("ApiProblem").GetProperty("properties");
        // Types of the app's own code, WxLogin's or a team's: a framework type (ProblemDetails, JsonNode) is none.
        var declared = new[] { typeof(Program).Assembly, typeof(OrdersSample).Assembly }
            .SelectMany(assembly => assembly.GetTypes()).Select(type => type.Name).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.SupersetOf(new[]
            {
                "ApiProblem", "LoginRequest", "LoginResponse", "UserResponse", "PhoneRequest", "PhoneResponse",
                "UserInfoRequest", "ProfileRequest", "DevEncryptRequest", "DevWatermark", "DevEncryptResponse",
                "DevWeChatPushRequest", "DevWeChatPushResponse",
            }));
            Assert.That(names, Is.SubsetOf(declared));
            if (withOrdersSample)
            {
                Assert.That(names, Does.Contain("OrderResponse"));
            }
            Assert.That(problem.TryGetProperty("code", out _), Is.True);
            Assert.That(problem.TryGetProperty("traceId", out _), Is.True);
        });
    }

    [Test]
    public async Task Examples_WorkWhenExecuted_LoginThenProfileThenEncryptPastedIntoPhone()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");
        string Example(string schema) => schemas.GetProperty(schema).GetProperty("example").GetRawText();

        var login = await (await Client.SendJsonAsync(HttpMethod.Post, "/api/user/login", null, Example("LoginRequest"))).IsOkAsync();
        var token = login.GetProperty("token").GetString()!;
        var profile = await (await Client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", token, Example("ProfileRequest"))).IsOkAsync();
        var sealedData = await (await Client.SendJsonAsync(HttpMethod.Post, "/api/dev/encrypt", token, Example("DevEncryptRequest"))).IsOkAsync();
        var phone = await (await Client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", token, sealedData.GetRawText())).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(login.GetProperty("user").GetProperty("openId").GetString(), Is.Not.Empty);
            Assert.That(profile.GetProperty("avatarUrl").GetString(), Does.StartWith("https://"));
            Assert.That(phone.GetProperty("phoneNumber").GetString(), Is.EqualTo("13912345678"));
        });
    }

    [Test]
    public async Task Page_HasOneTitle_UserAndEventsBeforeDev_AndSaysAuthorizeWantsTheRawToken()
    {
        var document = await DocumentAsync();
        var ui = await Client.GetStringAsync("/swagger/index.html");
        var uiConfig = await Client.GetStringAsync("/swagger/index.js");

        var tags = document.GetProperty("paths").EnumerateObject()
            .Select(path => path.Value.EnumerateObject().First().Value.GetProperty("tags")[0].GetString()).Distinct();
        Assert.Multiple(() =>
        {
            Assert.That(document.GetProperty("info").GetProperty("title").GetString(), Is.EqualTo("WxLogin"));
            Assert.That(document.GetProperty("info").GetProperty("version").GetString(), Is.EqualTo(AppVersion.Current));
            Assert.That(ui, Does.Contain("<title>WxLogin</title>"));
            Assert.That(uiConfig, Does.Contain("\"name\":\"WxLogin\"").And.Not.Contain("WxLogin.Web v1"));
            // WxLogin's groups in this order and the Development helpers last; a team's groups anywhere before them.
            Assert.That(tags.Where(tag => tag is "User" or "WeChatEvents" or "Dev"), Is.EqualTo(new[] { "User", "WeChatEvents", "Dev" }));
            Assert.That(tags.Last(), Is.EqualTo("Dev"));
            if (withOrdersSample)
            {
                Assert.That(tags, Does.Contain("Orders"));
            }
            Assert.That(document.GetProperty("info").GetProperty("description").GetString(),
                Does.Contain("raw token").And.Contain("alice.1").And.Contain("code_used"));
        });
    }

    [Test]
    public async Task Root_RedirectsToSwaggerUI_OutsideProduction()
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/swagger"));
    }

    [Test]
    public async Task Root_AnswersNotFound_InProduction()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live" }, environment: "Production");
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/");
        var swagger = await client.GetAsync("/swagger/v1/swagger.json");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.That(swagger.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private async Task<JsonElement> DocumentAsync() =>
        JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;

    private static string Description(JsonElement responses, string status) =>
        responses.GetProperty(status).GetProperty("description").GetString()!;
}
