using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Controllers;

/// <summary>
/// Failures below the controller (body size, framing, a stalling body, charsets, hang-ups) through the
/// real app on Kestrel on 127.0.0.1, spoken to in raw HTTP: TestServer has no framing and no body timeouts.
/// Each is a client error with its status and code, logged without a stack trace, never a 500.
/// </summary>
public sealed class HttpFailureTests
{
    private WxLoginFactory _factory = null!;
    private IPEndPoint _server = null!;
    private string _token = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        _factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Limits:RequestBodyTimeout"] = "00:00:02",
            // To see where a hang-up went: our handler, or the exception middleware's own "aborted" path.
            ["Logging:LogLevel:Microsoft.AspNetCore.Diagnostics"] = "Debug",
            ["Logging:LogLevel:WxLogin"] = "Debug",
        });
        _server = new IPEndPoint(IPAddress.Loopback, _factory.StartOnKestrel().Port);
        var login = await SendAsync(Request("POST", "/api/user/login", "application/json", """{"code":"kestrel-user.1"}"""));
        Assert.That(login.Status, Is.EqualTo(200), login.Body);
        _token = JsonDocument.Parse(login.Body).RootElement.GetProperty("token").GetString()!;
    }

    [OneTimeTearDown]
    public void StopApp() => _factory.Dispose();

    [TestCase("POST", "/api/user/login")]
    [TestCase("POST", "/api/user/phone")]
    [TestCase("POST", "/api/user/userinfo")]
    [TestCase("PUT", "/api/user/profile")]
    public async Task ABodyOverTheServerLimit_Answers413PayloadTooLarge_FromItsContentLengthAlone(string method, string path)
    {
        var answer = await SendAsync(Head(method, path, "application/json", "Content-Length: 40000000"));

        AssertProblem(answer, 413, "payload_too_large");
    }

    [TestCase("POST", "/api/user/login", 4 * 1024)]
    [TestCase("PUT", "/api/user/profile", 4 * 1024)]
    [TestCase("POST", "/api/user/phone", 32 * 1024)]
    [TestCase("POST", "/api/user/userinfo", 32 * 1024)]
    public async Task ABodyJustOverTheEndpointsLimit_Answers413(string method, string path, int limit)
    {
        var body = PaddedJson(limit + 1);

        var answer = await SendAsync(Request(method, path, "application/json", body));

        AssertProblem(answer, 413, "payload_too_large");
    }

    [Test]
    public async Task AOneMegabyteLoginBody_Answers413_ChunkedToo()
    {
        var json = Encoding.UTF8.GetBytes(PaddedJson(1024 * 1024));
        var chunked = new MemoryStream();
        for (var at = 0; at < json.Length; at += 8192)
        {
            var size = Math.Min(8192, json.Length - at);
            chunked.Write(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            chunked.Write(json, at, size);
            chunked.Write("\r\n"u8);
        }
        chunked.Write("0\r\n\r\n"u8);

        var answer = await SendAsync([.. Head("POST", "/api/user/login", "application/json", "Transfer-Encoding: chunked"), .. chunked.ToArray()]);

        AssertProblem(answer, 413, "payload_too_large");
    }

    [Test]
    public async Task ALoginBodyWithinTheLimit_IsStillRead()
    {
        var answer = await SendAsync(Request("POST", "/api/user/login", "application/json", PaddedJson(4000, code: "within-limit.1")));

        Assert.That(answer.Status, Is.EqualTo(200), answer.Body);
    }

    [Test]
    public async Task ContentLengthWithTransferEncoding_AndABadChunk_Answers400InvalidRequest()
    {
        var head = Head("POST", "/api/user/login", "application/json", "Content-Length: 13", "Transfer-Encoding: chunked");

        var answer = await SendAsync([.. head, .. "zz\r\n{\"code\":\"x\"}\r\n0\r\n\r\n"u8.ToArray()]);

        AssertProblem(answer, 400, "invalid_request");
    }

    [Test]
    public async Task ABadChunk_Answers400InvalidRequest()
    {
        var head = Head("POST", "/api/user/login", "application/json", "Transfer-Encoding: chunked");

        var answer = await SendAsync([.. head, .. "5\r\n{\"code\":\"x\"}\r\n0\r\n\r\n"u8.ToArray()]);

        AssertProblem(answer, 400, "invalid_request");
    }

    [Test]
    public async Task ABodyThatStalls_Answers408RequestTimeout()
    {
        var head = Head("POST", "/api/user/login", "application/json", "Content-Length: 100");

        var answer = await SendAsync([.. head, .. "{\"code\":\"stall.1\","u8.ToArray()], holdOpen: true);

        AssertProblem(answer, 408, "request_timeout");
    }

    [TestCase("application/x-www-form-urlencoded; charset=utf-7", "code=utf7.1")]
    [TestCase("application/x-www-form-urlencoded; charset=utf-16", "code=utf16.1")]
    [TestCase("application/json; charset=utf-7", "{\"code\":\"utf7.2\"}")]
    [TestCase("application/json; charset=bogus", "{\"code\":\"bogus.1\"}")]
    public async Task ABodyInACharsetWeDoNotRead_Answers415UnsupportedMediaType(string contentType, string body)
    {
        var answer = await SendAsync(Request("POST", "/api/user/login", contentType, body));

        AssertProblem(answer, 415, "unsupported_media_type");
    }

    [Test]
    public async Task JsonInUtf16WithInvalidBytes_Answers400InvalidRequest()
    {
        // A lone low surrogate (0xDC00, little-endian) is not UTF-16.
        byte[] body = [.. Encoding.Unicode.GetBytes("{\"code\":\""), 0x00, 0xDC, .. Encoding.Unicode.GetBytes("\"}")];

        var answer = await SendAsync(Request("POST", "/api/user/login", "application/json; charset=utf-16", body));

        AssertProblem(answer, 400, "invalid_request");
    }

    [Test]
    public async Task JsonInValidUtf16_StillLogsIn()
    {
        var answer = await SendAsync(Request("POST", "/api/user/login", "application/json; charset=utf-16",
            Encoding.Unicode.GetBytes("""{"code":"utf16-user.1"}""")));

        Assert.That(answer.Status, Is.EqualTo(200), answer.Body);
    }

    [Test]
    public async Task AClientThatHangsUpMidBody_IsNotLoggedAsAnError()
    {
        var before = HandledClientErrors();
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(_server);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Head("POST", "/api/user/login", "application/json", "Content-Length: 100"));
            await stream.WriteAsync("{\"code\":\"gone.1\","u8.ToArray());
            await stream.FlushAsync();
        }

        // Bounded wait for the server to notice (the body read ends when the socket closes).
        for (var wait = 0; wait < 100 && HandledClientErrors() == before; wait++)
        {
            await Task.Delay(100);
        }

        Assert.That(HandledClientErrors(), Is.GreaterThan(before), string.Join("\n", _factory.Logs));
        AssertNoErrorsLogged();
    }

    [Test]
    public async Task ClientErrors_AreLoggedAtInformation_WithoutAStackTrace()
    {
        await SendAsync(Head("POST", "/api/user/login", "application/json", "Content-Length: 40000000"));

        Assert.That(_factory.Logs, Has.Some.Matches<string>(line =>
            line.StartsWith("Information WxLogin.Web.Errors.ApiExceptionHandler", StringComparison.Ordinal)
            && line.Contains("413 payload_too_large")
            && !line.Contains(" at ")));
        AssertNoErrorsLogged();
    }

    private int HandledClientErrors() => _factory.Logs.Count(line =>
        line.Contains("WxLogin.Web.Errors.ApiExceptionHandler") || line.Contains("WxLogin.Web.Errors.AbortedRequestHandler") || line.Contains("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware"));

    private void AssertNoErrorsLogged() =>
        Assert.That(_factory.Logs.Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal)),
            Is.Empty);

    private static void AssertProblem((int Status, string ContentType, string Body) answer, int status, string code)
    {
        Assert.That(answer.Status, Is.EqualTo(status), answer.Body);
        Assert.That(answer.ContentType, Does.StartWith("application/problem+json"), answer.Body);
        var problem = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), answer.Body);
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(status), answer.Body);
            Assert.That(problem.GetProperty("type").GetString(), Is.Not.Empty, answer.Body);
            Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty, answer.Body);
            Assert.That(problem.TryGetProperty("traceId", out _), Is.True, answer.Body);
            Assert.That(answer.Body, Does.Not.Contain(" at "), answer.Body);
        });
    }

    private static string PaddedJson(int length, string code = "padded.1")
    {
        var start = $$"""{"code":"{{code}}","pad":" """;
        return start + new string('x', length - start.Length - 2) + "\"}";
    }

    private byte[] Head(string method, string path, string contentType, params string[] headers)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {contentType}\r\n");
        if (path != "/api/user/login")
        {
            head.Append($"Authorization: Bearer {_token}\r\n");
        }
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    private byte[] Request(string method, string path, string contentType, string body) =>
        Request(method, path, contentType, Encoding.UTF8.GetBytes(body));

    private byte[] Request(string method, string path, string contentType, byte[] body) =>
        [.. Head(method, path, contentType, $"Content-Length: {body.Length}"), .. body];

    private Task<(int Status, string ContentType, string Body)> SendAsync(byte[] request, bool holdOpen = false) =>
        RawHttp.SendAsync(_server, request, holdOpen);
}
