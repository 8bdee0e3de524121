using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Deploy;

/// <summary>Behind IIS or nginx the rejected-code limit must count the client, not the proxy.</summary>
public sealed class ForwardedHeadersTests
{
    private static readonly IPAddress ConfiguredProxy = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Stranger = IPAddress.Parse("198.51.100.20");

    private WxLoginFactory _factory = null!;
    private int _codes;

    [OneTimeSetUp]
    public void StartApp() => _factory = new WxLoginFactory(new Dictionary<string, string?>
    {
        ["Auth:RejectedCodesPerMinute"] = "2",
        ["ForwardedHeaders:KnownProxies"] = ConfiguredProxy.ToString(),
    });

    [OneTimeTearDown]
    public void StopApp() => _factory.Dispose();

    [Test]
    public async Task Login_IsRateLimitedPerForwardedClient_BehindALoopbackProxy()
    {
        var first = await LoginAsync(IPAddress.Loopback, forwardedFor: "203.0.113.1", JunkCode);
        var second = await LoginAsync(IPAddress.Loopback, forwardedFor: "203.0.113.1", JunkCode);
        var third = await LoginAsync(IPAddress.Loopback, forwardedFor: "203.0.113.1");
        var otherClient = await LoginAsync(IPAddress.Loopback, forwardedFor: "203.0.113.2");

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(400), first.Body);
            Assert.That(second.Status, Is.EqualTo(400), second.Body);
            Assert.That(third.Status, Is.EqualTo(429), third.Body);
            Assert.That(Code(third.Body), Is.EqualTo("rate_limited"));
            Assert.That(otherClient.Status, Is.EqualTo(200), "another client behind the same proxy has its own limit: " + otherClient.Body);
        });
    }

    [Test]
    public async Task Login_IsRateLimitedPerForwardedClient_BehindAConfiguredProxy()
    {
        var first = await LoginAsync(ConfiguredProxy, forwardedFor: "203.0.113.11", JunkCode);
        var second = await LoginAsync(ConfiguredProxy, forwardedFor: "203.0.113.11", JunkCode);
        var third = await LoginAsync(ConfiguredProxy, forwardedFor: "203.0.113.11");
        var otherClient = await LoginAsync(ConfiguredProxy, forwardedFor: "203.0.113.12");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.Status, second.Status }, Is.All.EqualTo(400), first.Body + second.Body);
            Assert.That(third.Status, Is.EqualTo(429), third.Body);
            Assert.That(Code(third.Body), Is.EqualTo("rate_limited"));
            Assert.That(otherClient.Status, Is.EqualTo(200), otherClient.Body);
        });
    }

    [Test]
    public async Task Login_IgnoresForwardedFor_FromAnUnknownAddress()
    {
        // A client that invents a new X-Forwarded-For for every attempt still has one limit.
        var first = await LoginAsync(Stranger, forwardedFor: "203.0.113.21", JunkCode);
        var second = await LoginAsync(Stranger, forwardedFor: "203.0.113.22", JunkCode);
        var third = await LoginAsync(Stranger, forwardedFor: "203.0.113.23");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.Status, second.Status }, Is.All.EqualTo(400), first.Body + second.Body);
            Assert.That(third.Status, Is.EqualTo(429), third.Body);
            Assert.That(Code(third.Body), Is.EqualTo("rate_limited"));
        });
    }

    [Test]
    public async Task Request_SeesTheClientsAddressAndScheme_FromATrustedProxy()
    {
        var context = await _factory.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/health";
            http.Connection.RemoteIpAddress = IPAddress.Loopback;
            http.Request.Headers["X-Forwarded-For"] = "203.0.113.31";
            http.Request.Headers["X-Forwarded-Proto"] = "https";
        });

        Assert.Multiple(() =>
        {
            Assert.That(context.Response.StatusCode, Is.EqualTo(200));
            Assert.That(context.Connection.RemoteIpAddress, Is.EqualTo(IPAddress.Parse("203.0.113.31")));
            Assert.That(context.Request.Scheme, Is.EqualTo("https"));
        });
    }

    [Test]
    public void Start_Fails_WhenAKnownProxyIsNotAnAddress()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = "10.0.0.5, proxy.local" });

        Assert.Catch(() => factory.CreateClient());

        // The start-up check says it in one critical log line (Extensions/StartupSettings).
        Assert.That(factory.Logs, Has.Some.StartsWith("Critical WxLogin.Startup").And.Contains("ForwardedHeaders:KnownProxies"));
    }

    /// <summary>A code WeChat (the emulator) rejects with 40029: it counts against the client.</summary>
    private const string JunkCode = "wx-40029";

    private async Task<(int Status, string Body)> LoginAsync(IPAddress remote, string forwardedFor, string? code = null)
    {
        code ??= $"fwd{Interlocked.Increment(ref _codes)}.1";
        var context = await _factory.Server.SendAsync(http =>
        {
            http.Request.Method = "POST";
            http.Request.Path = "/api/user/login";
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"code":"{{code}}"}"""));
            http.Connection.RemoteIpAddress = remote;
            http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        });
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, await reader.ReadToEndAsync());
    }

    private static string? Code(string problemJson) =>
        JsonDocument.Parse(problemJson).RootElement.GetProperty("code").GetString();
}
