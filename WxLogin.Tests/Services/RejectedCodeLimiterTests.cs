using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Services;

public sealed class RejectedCodeLimiterTests
{
    private readonly ManualTimeProvider _clock = new();

    [Test]
    public void Limiter_ForgetsAddressesWhoseWindowEnded()
    {
        var limiter = Limiter(perMinute: 2);
        foreach (var client in new[] { "198.51.100.1", "198.51.100.2", "198.51.100.3" })
        {
            limiter.Record(client);
        }
        Assert.That(limiter.TrackedClients, Is.EqualTo(3));

        _clock.Advance(TimeSpan.FromSeconds(61));
        limiter.Record("198.51.100.4");

        Assert.That(limiter.TrackedClients, Is.EqualTo(1));
        Assert.That(limiter.RetryAfter("198.51.100.1"), Is.Null);
    }

    [Test]
    public void Limiter_TracksAtMostItsMaximum_AndMakesRoomWhenWindowsEnd()
    {
        var limiter = Limiter(perMinute: 1);
        for (var i = 0; i < RejectedCodeLimiter.MaxTrackedClients + 10; i++)
        {
            limiter.Record($"client-{i}");
        }
        var whenFull = limiter.TrackedClients;
        var overflow = limiter.RetryAfter($"client-{RejectedCodeLimiter.MaxTrackedClients + 5}");

        _clock.Advance(RejectedCodeLimiter.Window);
        limiter.Record("after-the-sweep");

        Assert.Multiple(() =>
        {
            Assert.That(whenFull, Is.EqualTo(RejectedCodeLimiter.MaxTrackedClients));
            Assert.That(overflow, Is.Null, "past the maximum a new address goes uncounted");
            Assert.That(limiter.TrackedClients, Is.EqualTo(1));
            Assert.That(limiter.RetryAfter("after-the-sweep"), Is.EqualTo(RejectedCodeLimiter.Window));
        });
    }

    [Test]
    public void Limiter_StopsAnAddress_OnlyPastItsLimit_UntilItsWindowEnds()
    {
        var limiter = Limiter(perMinute: 2);
        limiter.Record("198.51.100.7");
        var afterOne = limiter.RetryAfter("198.51.100.7");
        _clock.Advance(TimeSpan.FromSeconds(10));
        limiter.Record("198.51.100.7");

        Assert.Multiple(() =>
        {
            Assert.That(afterOne, Is.Null);
            Assert.That(limiter.RetryAfter("198.51.100.7"), Is.EqualTo(TimeSpan.FromSeconds(50)));
            Assert.That(limiter.RetryAfter("198.51.100.8"), Is.Null);
        });
    }

    [TestCase("2001:db8:1:2:aaaa::1", "2001:db8:1:2:bbbb::2", true)]
    [TestCase("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [TestCase("::ffff:198.51.100.9", "198.51.100.9", true)]
    public void ClientOf_CountsAnIPv6Slash64AsOneClient(string first, string second, bool same)
    {
        static string Client(string address) =>
            RejectedCodeLimiter.ClientOf(new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } });

        Assert.That(Client(first) == Client(second), Is.EqualTo(same), $"{Client(first)} vs {Client(second)}");
    }

    [TestCase("alice")]
    [TestCase("alice.1")]
    [TestCase("union-bob.1")]
    [TestCase("wx-40029")]
    [TestCase("wx--1")]
    [TestCase("wx-http500")]
    [TestCase("text.1")]
    [TestCase("0a3Lx~_-.Zz")]
    public void WeChatCode_TakesTheEmulatorsDocumentedCodes(string code) =>
        Assert.That(WeChatCode.IsWellFormed(code), Is.True);

    [TestCase("")]
    [TestCase("a+b")]
    [TestCase("a=b")]
    [TestCase("名字")]
    [TestCase("a\u200Bb")]
    public void WeChatCode_RefusesWhatIsNotACode(string code) =>
        Assert.That(WeChatCode.IsWellFormed(code), Is.False);

    private RejectedCodeLimiter Limiter(int perMinute) => new(
        Microsoft.Extensions.Options.Options.Create(new AuthOptions { RejectedCodesPerMinute = perMinute }),
        _clock,
        NullLogger<RejectedCodeLimiter>.Instance);
}
