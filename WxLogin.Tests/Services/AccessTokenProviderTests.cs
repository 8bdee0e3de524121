using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Services;

public sealed class AccessTokenProviderTests
{
    private readonly ManualTimeProvider _clock = new();
    private Mock<IWeChatClient> _wechat = null!;
    private int _fetches;
    private AccessTokenProvider _provider = null!;

    [SetUp]
    public void CreateProvider()
    {
        _fetches = 0;
        _wechat = new Mock<IWeChatClient>(MockBehavior.Strict);
        ReturnTokens(TimeSpan.FromHours(2));
        _provider = new AccessTokenProvider(_wechat.Object, _clock, NullLogger<AccessTokenProvider>.Instance);
    }

    [Test]
    public async Task GetToken_FetchesOnce_AndServesTheCacheUntilExpiryMinusTheMargin()
    {
        var first = await _provider.GetTokenAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2) - AccessTokenProvider.MaxExpiryMargin - TimeSpan.FromSeconds(1));
        var cached = await _provider.GetTokenAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await _provider.GetTokenAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("token-1"));
            Assert.That(cached, Is.EqualTo("token-1"));
            Assert.That(refreshed, Is.EqualTo("token-2"));
            Assert.That(_fetches, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task GetToken_ShrinksTheMargin_ForShortLivedTokens()
    {
        ReturnTokens(TimeSpan.FromSeconds(300));

        await _provider.GetTokenAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(239));
        var cached = await _provider.GetTokenAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await _provider.GetTokenAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(cached, Is.EqualTo("token-1"), "300 s tokens are cached for 240 s");
            Assert.That(refreshed, Is.EqualTo("token-2"));
        });
    }

    [Test]
    public async Task GetToken_SharesOneFetch_AmongConcurrentCallers()
    {
        var release = new TaskCompletionSource();
        _wechat.Setup(w => w.GetStableAccessTokenAsync(It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                Interlocked.Increment(ref _fetches);
                await release.Task;
                return new WeChatAccessToken("shared", TimeSpan.FromHours(2));
            });

        var callers = Enumerable.Range(0, 50).Select(_ => _provider.GetTokenAsync(CancellationToken.None)).ToList();
        release.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Multiple(() =>
        {
            Assert.That(tokens, Is.All.EqualTo("shared"));
            Assert.That(_fetches, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task GetToken_ShareTheFailure_AndCachesNothing_WhenTheFetchFails()
    {
        var release = new TaskCompletionSource();
        _wechat.SetupSequence(w => w.GetStableAccessTokenAsync(It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                Interlocked.Increment(ref _fetches);
                await release.Task;
                throw new WeChatException(WeChatException.Busy, "busy");
            })
            .ReturnsAsync(() =>
            {
                Interlocked.Increment(ref _fetches);
                return new WeChatAccessToken("after-outage", TimeSpan.FromHours(2));
            });

        var callers = Enumerable.Range(0, 10).Select(_ => _provider.GetTokenAsync(CancellationToken.None)).ToList();
        release.SetResult();
        foreach (var caller in callers)
        {
            Assert.ThrowsAsync<WeChatException>(() => caller);
        }
        var next = await _provider.GetTokenAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(next, Is.EqualTo("after-outage"));
            Assert.That(_fetches, Is.EqualTo(2), "ten callers, one failed fetch; then one more");
        });
    }

    [Test]
    public async Task GetToken_LetsOneCallerGiveUp_WithoutFailingTheFetchForOthers()
    {
        var release = new TaskCompletionSource();
        _wechat.Setup(w => w.GetStableAccessTokenAsync(It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await release.Task;
                return new WeChatAccessToken("patient", TimeSpan.FromHours(2));
            });
        using var impatient = new CancellationTokenSource();

        var giveUp = _provider.GetTokenAsync(impatient.Token);
        var wait = _provider.GetTokenAsync(CancellationToken.None);
        await impatient.CancelAsync();
        release.SetResult();

        Assert.Multiple(async () =>
        {
            Assert.That(async () => await giveUp, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(await wait, Is.EqualTo("patient"));
        });
    }

    [TestCase(40001)]
    [TestCase(40014)]
    [TestCase(42001)]
    public async Task Call_RefetchesOnceAndRetriesOnce_WhenTheTokenIsRefused(int errCode)
    {
        var usedTokens = new List<string>();

        var result = await _provider.CallAsync(token =>
        {
            usedTokens.Add(token);
            return usedTokens.Count == 1
                ? throw new WeChatException(errCode, "refused")
                : Task.FromResult("ok");
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo("ok"));
            Assert.That(usedTokens, Is.EqualTo(new[] { "token-1", "token-2" }));
            Assert.That(_fetches, Is.EqualTo(2));
        });
    }

    [Test]
    public void Call_GivesUpAfterOneRetry_WhenTheFreshTokenIsRefusedToo()
    {
        var calls = 0;

        var error = Assert.ThrowsAsync<WeChatException>(() => _provider.CallAsync<string>(_ =>
        {
            calls++;
            throw new WeChatException(40001, "refused");
        }, CancellationToken.None))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ErrCode, Is.EqualTo(40001));
            Assert.That(calls, Is.EqualTo(2), "one call, one retry");
            Assert.That(_fetches, Is.EqualTo(2), "one fetch, one refetch");
        });
    }

    [Test]
    public void Call_DoesNotRefetch_ForOtherErrors()
    {
        var calls = 0;

        Assert.ThrowsAsync<WeChatException>(() => _provider.CallAsync<string>(_ =>
        {
            calls++;
            throw new WeChatException(40029, "invalid code");
        }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(1));
            Assert.That(_fetches, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Call_FetchesOnce_WhenConcurrentCallsAreRefusedTheSameToken()
    {
        // Both callers hold token-1 when WeChat refuses it: the second refusal must not drop token-2, which the first fetched.
        await _provider.GetTokenAsync(CancellationToken.None);
        var bothHoldTheToken = new TaskCompletionSource();
        var holders = 0;
        async Task<string> Call(string token)
        {
            if (token != "token-1")
            {
                return token;
            }
            if (Interlocked.Increment(ref holders) == 2)
            {
                bothHoldTheToken.SetResult();
            }
            await bothHoldTheToken.Task;
            throw new WeChatException(40001, "refused");
        }

        var results = await Task.WhenAll(
            Task.Run(() => _provider.CallAsync(Call, CancellationToken.None)),
            Task.Run(() => _provider.CallAsync(Call, CancellationToken.None)));

        Assert.Multiple(() =>
        {
            Assert.That(results, Is.All.EqualTo("token-2"));
            Assert.That(_fetches, Is.EqualTo(2), "token-1, then one refetch for both callers");
        });
    }

    private void ReturnTokens(TimeSpan expiresIn) =>
        _wechat.Setup(w => w.GetStableAccessTokenAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new WeChatAccessToken($"token-{Interlocked.Increment(ref _fetches)}", expiresIn));
}
