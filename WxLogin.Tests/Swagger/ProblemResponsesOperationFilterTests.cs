using System.Net;
using System.Text;
using System.Text.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Swagger;

/// <summary>
/// Swagger UI's error examples are real answers: for each status the document lists, the example has the
/// same fields, type, title and status as what the app answers with that status. On Kestrel, so the body
/// limits and the body timeout answer as in production.
/// </summary>
public sealed class ProblemResponsesOperationFilterTests
{
    private WxLoginFactory _factory = null!;
    private HttpClient _client = null!;
    private IPEndPoint _server = null!;

    [OneTimeSetUp]
    public void StartKestrel()
    {
        _factory = new WxLoginFactory(new Dictionary<string, string?> { ["Limits:RequestBodyTimeout"] = "00:00:02" });
        var address = _factory.StartOnKestrel();
        _client = new HttpClient { BaseAddress = address };
        _server = new IPEndPoint(IPAddress.Loopback, address.Port);
    }

    [OneTimeTearDown]
    public void StopKestrel()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task EveryDocumentedErrorExample_HasTheShapeOfTheRealAnswer()
    {
        var examples = await DocumentedExamplesAsync();
        var realAnswers = RealAnswers();
        Assert.That(examples.Keys, Is.SubsetOf(realAnswers.Keys), "a documented status this test cannot cause yet");

        foreach (var (status, documented) in examples)
        {
            var (realStatus, body) = await realAnswers[status]();
            Assert.That(realStatus, Is.EqualTo(status), body);
            var real = JsonDocument.Parse(body).RootElement;
            foreach (var example in documented)
            {
                Assert.Multiple(() =>
                {
                    Assert.That(Names(example), Is.EquivalentTo(Names(real)), $"{status}: the example's fields\n{example}\n{body}");
                    foreach (var field in new[] { "type", "title", "status" })
                    {
                        Assert.That(example.GetProperty(field).ToString(), Is.EqualTo(real.GetProperty(field).ToString()), $"{status} {field}");
                    }
                });
            }
        }
    }

    /// <summary>A request that gets each documented status from the running app.</summary>
    private Dictionary<int, Func<Task<(int Status, string Body)>>> RealAnswers() => new()
    {
        [400] = () => LoginAsync("""{}"""),
        [401] = () => AnswerAsync(_client.GetAsync("/api/user/me")),
        [403] = () => LoginAsync("""{"code":"wx-40226"}"""),
        [404] = () => AnswerAsync(_client.PostAsync("/api/wechat/events", null)),
        // HttpClient waits to send its whole body before it reads an answer: a stall needs raw bytes.
        [408] = async () =>
        {
            var head = "POST /api/user/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
            var answer = await RawHttp.SendAsync(_server, Encoding.ASCII.GetBytes(head + "{\"code\":"), holdOpen: true);
            return (answer.Status, answer.Body);
        },
        [413] = () => LoginAsync($$"""{"code":"big.1","pad":"{{new string('x', 5000)}}"}"""),
        [415] = () => AnswerAsync(_client.PostAsync("/api/user/login",
            new StringContent("{}", Encoding.UTF8) { Headers = { ContentType = new("application/json") { CharSet = "bogus" } } })),
        [429] = () => LoginAsync("""{"code":"wx-45011"}"""),
        [500] = () => LoginAsync("""{"code":"wx-40013"}"""),
        [502] = () => LoginAsync("""{"code":"wx-61234"}"""),
        [503] = () => LoginAsync("""{"code":"wx--1"}"""),
    };

    [Test]
    public async Task TheFrameworksOwn404And405_HaveTheDocumentedShapeToo()
    {
        var documented = (await DocumentedExamplesAsync())[404][0];
        var notFound = JsonDocument.Parse(await (await _client.GetAsync("/api/no-such-path")).Content.ReadAsStringAsync()).RootElement;
        var wrongMethod = JsonDocument.Parse(await (await _client.DeleteAsync("/api/user/login")).Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(Names(notFound), Is.EquivalentTo(Names(documented)), notFound.ToString());
            Assert.That(Names(wrongMethod), Is.EquivalentTo(Names(documented)), wrongMethod.ToString());
            Assert.That(wrongMethod.GetProperty("status").GetInt32(), Is.EqualTo(405));
        });
    }

    private Task<(int, string)> LoginAsync(string json) =>
        AnswerAsync(_client.PostAsync("/api/user/login", new StringContent(json, Encoding.UTF8, "application/json")));

    private static async Task<(int, string)> AnswerAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string[] Names(JsonElement body) => [.. body.EnumerateObject().Select(property => property.Name)];

    /// <summary>Each error status's examples, over every operation of the document.</summary>
    private async Task<Dictionary<int, List<JsonElement>>> DocumentedExamplesAsync()
    {
        var document = JsonDocument.Parse(await _client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .SelectMany(operation => operation.Value.GetProperty("responses").EnumerateObject())
            .Where(response => int.Parse(response.Name) >= 400)
            .GroupBy(response => int.Parse(response.Name))
            .ToDictionary(group => group.Key, group => group
                .Select(response => response.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("example"))
                .ToList());
    }
}
