using System.Net;
using System.Net.Http.Json;
using System.Text;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Services.WeChat;

/// <summary>
/// The circuit breaker through the real pipeline: a stub WeChat that fails as told, and the test clock
/// for the break. Every login asserts its status and code; the stub counts what reached WeChat.
/// </summary>
public sealed class WeChatCircuitBreakerTests
{
    private const string Session = """{"openid":"oBreaker","session_key":"tiihtNczf5v6AKRyjwEUhQ=="}""";

    private WeChatBehaviour _wechat = WeChatBehaviour.Http500;
    private StubHttpHandler _stub = null!;
    private int _codes;

    private enum WeChatBehaviour
    {
        Http500,
        ConnectionRefused,
        Hang,
        TrickleBody,
        Errcode40029,
        Answer,
    }

    [Test]
    public async Task TenConsecutiveFailures_OpenTheCircuit_AndTheNextLoginFailsAtOnceWithoutCallingWeChat()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            _wechat = (WeChatBehaviour)(i % 4); // 5xx, connection refused, and timeouts before or during the body all count
            await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        }
        _wechat = WeChatBehaviour.Answer;
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");

        Assert.That(_stub.Requests, Has.Count.EqualTo(10), "each failed login called WeChat once (no retry); the 11th did not call it");
        Assert.That(factory.Logs, Has.Some.Contains("WeChat circuit breaker opened: 10 calls in a row failed"));
        Assert.That(factory.Logs, Has.Some.Contains("WeChat jscode2session unavailable: not called, the circuit breaker is open"));
    }

    [Test]
    public async Task FailuresOlderThanTheSamplingDuration_AreForgotten()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        for (var i = 0; i < 9; i++)
        {
            await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        _wechat = WeChatBehaviour.Answer;
        await AssertLoginAsync(client, HttpStatusCode.OK, null);

        Assert.That(_stub.Requests, Has.Count.EqualTo(11), "10 failures, but only one within the last 10 s: the circuit stayed closed");
    }

    [Test]
    public async Task AnAnswerWithinTheSamplingDuration_KeepsTheCircuitClosed_HoweverManyFailuresFollow()
    {
        using var factory = Factory(new Dictionary<string, string?> { ["WeChat:CircuitBreaker:SamplingDuration"] = "00:00:30" });
        using var client = factory.CreateClient();
        _wechat = WeChatBehaviour.Errcode40029;
        await AssertLoginAsync(client, HttpStatusCode.BadRequest, "code_invalid");

        _wechat = WeChatBehaviour.Http500;
        factory.Clock.Advance(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 15; i++)
        {
            await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        }
        Assert.That(_stub.Requests, Has.Count.EqualTo(16), "the answer 20 s ago is within the window: still closed");

        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.That(_stub.Requests, Has.Count.EqualTo(17), "once the answer left the window, the next failure opened the circuit");
    }

    [Test]
    public async Task AfterTheBreak_OneTrialCallIsLetThrough_AndItsSuccessClosesTheCircuit()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        await OpenAsync(client);

        factory.Clock.Advance(TimeSpan.FromSeconds(14));
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.That(_stub.Requests, Has.Count.EqualTo(10), "still open 14 s after");

        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        _wechat = WeChatBehaviour.Answer;
        await AssertLoginAsync(client, HttpStatusCode.OK, null);
        await AssertLoginAsync(client, HttpStatusCode.OK, null);

        Assert.That(_stub.Requests, Has.Count.EqualTo(12), "the trial and the next login reached WeChat");
    }

    [Test]
    public async Task AFailedTrial_OpensTheCircuitAgainForTheWholeBreak()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        await OpenAsync(client);

        factory.Clock.Advance(TimeSpan.FromSeconds(15));
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable"); // the trial, failing
        _wechat = WeChatBehaviour.Answer;
        factory.Clock.Advance(TimeSpan.FromSeconds(14));
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.That(_stub.Requests, Has.Count.EqualTo(11), "one trial, then open again");

        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertLoginAsync(client, HttpStatusCode.OK, null);
    }

    [Test]
    public async Task WhileTheTrialCallRuns_OtherLoginsStillFailAtOnce()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        await OpenAsync(client);
        factory.Clock.Advance(TimeSpan.FromSeconds(15));

        _wechat = WeChatBehaviour.Hang;
        var trial = AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        for (var wait = 0; wait < 200 && _stub.Requests.Count < 11; wait++)
        {
            await Task.Delay(10);
        }
        Assert.That(_stub.Requests, Has.Count.EqualTo(11), "the trial reached WeChat");
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.That(_stub.Requests, Has.Count.EqualTo(11), "a second caller does not join the trial");
        await trial; // times out: the circuit opens again

        _wechat = WeChatBehaviour.Answer;
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.That(_stub.Requests, Has.Count.EqualTo(11));
    }

    [Test]
    public async Task ErrcodeAnswers_AreNotFailures_HoweverMany()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        _wechat = WeChatBehaviour.Errcode40029;

        for (var i = 0; i < 25; i++)
        {
            await AssertLoginAsync(client, HttpStatusCode.BadRequest, "code_invalid");
        }

        Assert.That(_stub.Requests, Has.Count.EqualTo(25), "WeChat answered every time: it is up");
    }

    [Test]
    public async Task OnlyConsecutiveFailuresCount_AnAnswerInBetweenStartsTheCountAgain()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        for (var round = 0; round < 3; round++)
        {
            _wechat = WeChatBehaviour.Http500;
            for (var i = 0; i < 9; i++)
            {
                await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
            }
            _wechat = WeChatBehaviour.Errcode40029;
            await AssertLoginAsync(client, HttpStatusCode.BadRequest, "code_invalid");
        }

        Assert.That(_stub.Requests, Has.Count.EqualTo(30), "27 failures, never 10 in a row: every login reached WeChat");
    }

    [Test]
    public async Task ThresholdAndBreak_AreConfigurable()
    {
        using var factory = Factory(new Dictionary<string, string?>
        {
            ["WeChat:CircuitBreaker:FailureThreshold"] = "2",
            ["WeChat:CircuitBreaker:BreakDuration"] = "00:01:00",
        });
        using var client = factory.CreateClient();

        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        _wechat = WeChatBehaviour.Answer;
        factory.Clock.Advance(TimeSpan.FromSeconds(59));
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertLoginAsync(client, HttpStatusCode.OK, null);

        Assert.That(_stub.Requests, Has.Count.EqualTo(3));
    }

    [TestCase("WeChat:CircuitBreaker:FailureThreshold", "1")]
    [TestCase("WeChat:CircuitBreaker:BreakDuration", "00:00:00")]
    [TestCase("WeChat:CircuitBreaker:SamplingDuration", "00:00:00.500")]
    public void OutOfRangeBreakerSettings_RefuseToStart(string key, string value)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { [key] = value });

        var said = factory.StartFailure();

        Assert.That(said, Does.Contain(key.Split(':').Last()));
    }

    private WxLoginFactory Factory(Dictionary<string, string?>? settings = null)
    {
        _wechat = WeChatBehaviour.Http500;
        _stub = new StubHttpHandler(async (_, cancel) =>
        {
            switch (_wechat)
            {
                case WeChatBehaviour.Http500:
                    return Text(HttpStatusCode.InternalServerError, "<html>500</html>");
                case WeChatBehaviour.ConnectionRefused:
                    throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
                case WeChatBehaviour.Hang:
                    await Task.Delay(Timeout.Infinite, cancel);
                    throw new OperationCanceledException(cancel);
                case WeChatBehaviour.TrickleBody:
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StalledContent() };
                case WeChatBehaviour.Errcode40029:
                    return Text(HttpStatusCode.OK, """{"errcode":40029,"errmsg":"invalid code"}""");
                default:
                    return Text(HttpStatusCode.OK, Session);
            }
        });
        var all = new Dictionary<string, string?>
        {
            ["WeChat:Mode"] = "Live",
            ["WeChat:Timeout"] = "00:00:00.200",
            ["Logging:LogLevel:WxLogin.Web.Services.WeChat.WeChatClient"] = "Debug", // the breaker's refusals
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        return new WxLoginFactory(all) { WeChatHandler = _stub };
    }

    private async Task OpenAsync(HttpClient client)
    {
        _wechat = WeChatBehaviour.Http500;
        for (var i = 0; i < 10; i++)
        {
            await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        }
        _wechat = WeChatBehaviour.Answer;
        await AssertLoginAsync(client, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        _wechat = WeChatBehaviour.Http500;
    }

    private async Task AssertLoginAsync(HttpClient client, HttpStatusCode status, string? code)
    {
        var response = await client.PostAsJsonAsync("/api/user/login", new { code = $"breaker{Interlocked.Increment(ref _codes)}" });
        if (code is null)
        {
            var body = await response.IsOkAsync();
            Assert.That(body.GetProperty("user").GetProperty("openId").GetString(), Is.EqualTo("oBreaker"));
        }
        else
        {
            await ProblemAssert.IsProblemAsync(response, status, code);
        }
    }

    private static HttpResponseMessage Text(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
}
