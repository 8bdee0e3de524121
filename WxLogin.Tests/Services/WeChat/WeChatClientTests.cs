using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Options;
using WxLogin.Web.Services.WeChat;
using WxLogin.Web.Telemetry;

namespace WxLogin.Tests.Services.WeChat;

/// <summary>The real parsing of WeChat's answers, fed by a stub handler with WeChat-shaped bodies.</summary>
public sealed class WeChatClientTests
{
    private const string SessionKey = "tiihtNczf5v6AKRyjwEUhQ==";

    private ServiceProvider _services = null!;

    [OneTimeSetUp]
    public void CreateMeters() => _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [OneTimeTearDown]
    public void DisposeMeters() => _services.Dispose();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private WeChatClient Client(StubHttpHandler handler, TimeSpan? timeout = null)
    {
        var options = new WeChatOptions { AppId = "wx123", AppSecret = "s3cr3t&x=y", Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        var http = new HttpClient(handler);
        WeChatClient.Configure(http, options);
        return new(http, Microsoft.Extensions.Options.Options.Create(options),
            new WeChatCircuitBreaker(Microsoft.Extensions.Options.Options.Create(new WeChatCircuitBreakerOptions()), TimeProvider.System, Meters,
                NullLogger<WeChatCircuitBreaker>.Instance),
            new WxLoginMetrics(Meters),
            TimeProvider.System,
            NullLogger<WeChatClient>.Instance);
    }

    [TestCase("text/plain")]
    [TestCase("application/json")]
    [TestCase("text/html")]
    public async Task Code2Session_ParsesSuccess_WhateverTheContentType(string mediaType)
    {
        var handler = StubHttpHandler.Text($$"""{"session_key":"{{SessionKey}}","openid":"oABC"}""", mediaType);

        var session = await Client(handler).Code2SessionAsync("code", CancellationToken.None);

        Assert.That(session, Is.EqualTo(new WeChatSession("oABC", SessionKey, null)));
    }

    [Test]
    public async Task Code2Session_ReadsUnionId_AndToleratesUnknownFieldsAndErrcodeZero()
    {
        var handler = StubHttpHandler.Text($$"""{"errcode":0,"errmsg":"ok","session_key":"{{SessionKey}}","openid":"oABC","unionid":"uXYZ","new_field":[1]}""");

        var session = await Client(handler).Code2SessionAsync("code", CancellationToken.None);

        Assert.That(session, Is.EqualTo(new WeChatSession("oABC", SessionKey, "uXYZ")));
    }

    [Test]
    public async Task Code2Session_SendsEscapedCodeAndCredentials()
    {
        var handler = StubHttpHandler.Text($$"""{"session_key":"{{SessionKey}}","openid":"oABC"}""");

        await Client(handler).Code2SessionAsync("a+b/c=d&e", CancellationToken.None);

        var uri = handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(uri.AbsolutePath, Is.EqualTo("/sns/jscode2session"));
            Assert.That(uri.Query, Does.Contain("appid=wx123"));
            Assert.That(uri.Query, Does.Contain("secret=s3cr3t%26x%3Dy"));
            Assert.That(uri.Query, Does.Contain("js_code=a%2Bb%2Fc%3Dd%26e"));
            Assert.That(uri.Query, Does.Contain("grant_type=authorization_code"));
        });
    }

    [TestCase("""{"errcode":40029,"errmsg":"invalid code, rid: 668f2aa4-51c08c03-3d141241"}""", 40029)]
    [TestCase("""{"errcode":40163,"errmsg":"code been used, rid: 668f2aa4-51c08c03-3d141241"}""", 40163)]
    [TestCase("""{"errmsg":"system error","errcode":-1}""", -1)]
    [TestCase("""{"errcode":"45011","errmsg":"api minute-quota reach limit"}""", 45011)]
    public void Code2Session_ThrowsTheErrcode_WhateverTheErrmsg(string body, int errCode)
    {
        var exception = Assert.ThrowsAsync<WeChatException>(() =>
            Client(StubHttpHandler.Text(body)).Code2SessionAsync("code", CancellationToken.None));

        Assert.That(exception!.ErrCode, Is.EqualTo(errCode));
        Assert.That(exception.Api, Is.EqualTo("jscode2session"));
    }

    [TestCase("<html>502 Bad Gateway</html>", HttpStatusCode.OK)]
    [TestCase("", HttpStatusCode.OK)]
    [TestCase("null", HttpStatusCode.OK)]
    [TestCase("[1,2]", HttpStatusCode.OK)]
    [TestCase("""{"openid":"oABC"}""", HttpStatusCode.OK)]
    [TestCase("""{"session_key":"x","openid":"oABC"}""", HttpStatusCode.InternalServerError)]
    [TestCase("busy", HttpStatusCode.BadGateway)]
    public void Code2Session_ThrowsBusy_ForAnswersThatAreNotASession(string body, HttpStatusCode status)
    {
        var exception = Assert.ThrowsAsync<WeChatException>(() =>
            Client(StubHttpHandler.Text(body, status: status)).Code2SessionAsync("code", CancellationToken.None));

        Assert.That(exception!.ErrCode, Is.EqualTo(WeChatException.Busy));
    }

    [Test]
    public void Code2Session_ThrowsBusy_OnTimeout_WithoutTheSecretInTheMessage()
    {
        var handler = new StubHttpHandler(async (_, cancel) =>
        {
            await Task.Delay(Timeout.Infinite, cancel);
            return new HttpResponseMessage();
        });

        var exception = Assert.ThrowsAsync<WeChatException>(() =>
            Client(handler, TimeSpan.FromMilliseconds(100)).Code2SessionAsync("code", CancellationToken.None));

        Assert.That(exception!.ErrCode, Is.EqualTo(WeChatException.Busy));
        Assert.That(exception.ToString(), Does.Not.Contain("s3cr3t"));
    }

    [Test]
    public async Task Code2Session_ThrowsBusy_WhenTheBodyStallsPastTheTimeout()
    {
        var handler = new StubHttpHandler((_, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StalledContent() }));

        var call = Client(handler, TimeSpan.FromMilliseconds(200)).Code2SessionAsync("code", CancellationToken.None);
        var first = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.That(first, Is.SameAs(call), "the timeout covers the body, not only the headers");
        var exception = Assert.ThrowsAsync<WeChatException>(() => call);
        Assert.That(exception!.ErrCode, Is.EqualTo(WeChatException.Busy));
    }

    [Test]
    public async Task Code2Session_ThrowsUnavailable_WithoutCallingWeChat_WhileTheCircuitIsOpen()
    {
        var handler = StubHttpHandler.Text("busy", status: HttpStatusCode.BadGateway);
        var client = Client(handler);
        for (var i = 0; i < new WeChatCircuitBreakerOptions().FailureThreshold; i++)
        {
            Assert.That((await Catch(client)).ErrCode, Is.EqualTo(WeChatException.Busy));
        }

        var refused = await Catch(client);

        Assert.That(refused.ErrCode, Is.EqualTo(WeChatException.Unavailable));
        Assert.That(refused.Api, Is.EqualTo("jscode2session"));
        Assert.That(handler.Requests, Has.Count.EqualTo(10));
    }

    [Test]
    public void Code2Session_ThrowsBusy_OnConnectionFailure_WithoutTheUrlInTheMessage()
    {
        var handler = new StubHttpHandler((request, _) =>
            throw new HttpRequestException($"Connection refused ({request.RequestUri})", null, HttpStatusCode.BadGateway));

        var exception = Assert.ThrowsAsync<WeChatException>(() =>
            Client(handler).Code2SessionAsync("code", CancellationToken.None));

        Assert.That(exception!.ErrCode, Is.EqualTo(WeChatException.Busy));
        Assert.That(exception.ToString(), Does.Not.Contain("s3cr3t"));
    }

    [Test]
    public void Code2Session_LetsTheCallersCancellationThrough()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new StubHttpHandler(async (_, token) =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage();
        });

        Assert.That(async () => await Client(handler).Code2SessionAsync("code", cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task CallsTheCallerGaveUpOn_DoNotOpenTheCircuit()
    {
        CancellationTokenSource? caller = null;
        var handler = new StubHttpHandler(async (_, token) =>
        {
            if (caller is not null)
            {
                await caller.CancelAsync();
                await Task.Delay(Timeout.Infinite, token);
            }
            return new HttpResponseMessage { Content = new StringContent($$"""{"session_key":"{{SessionKey}}","openid":"oABC"}""") };
        });
        var client = Client(handler);
        for (var i = 0; i < 2 * new WeChatCircuitBreakerOptions().FailureThreshold; i++)
        {
            using (caller = new CancellationTokenSource())
            {
                Assert.That(async () => await client.Code2SessionAsync("code", caller.Token), Throws.InstanceOf<OperationCanceledException>());
            }
        }
        caller = null;

        var session = await client.Code2SessionAsync("code", CancellationToken.None);

        Assert.That(session.OpenId, Is.EqualTo("oABC"), "a client that hung up is not WeChat failing");
        Assert.That(handler.Requests, Has.Count.EqualTo(21));
    }

    private static async Task<WeChatException> Catch(WeChatClient client)
    {
        try
        {
            await client.Code2SessionAsync("code", CancellationToken.None);
        }
        catch (WeChatException ex)
        {
            return ex;
        }
        throw new AssertionException("the call succeeded");
    }
}
