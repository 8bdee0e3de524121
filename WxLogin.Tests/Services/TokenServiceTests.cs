using System.Security.Cryptography;
using System.Text;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Options;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Services;

public sealed class TokenServiceTests
{
    private readonly ManualTimeProvider _clock = new();

    [Test]
    public void Issue_Gives256RandomBitsAsBase64Url_WithTheirDigestAndExpiry()
    {
        var tokens = new TokenService(Microsoft.Extensions.Options.Options.Create(new AuthOptions { TokenLifetime = TimeSpan.FromHours(3) }), _clock);

        var issued = Enumerable.Range(0, 200).Select(_ => tokens.Issue()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(issued.Select(t => t.Token).Distinct().Count(), Is.EqualTo(200));
            Assert.That(issued, Has.All.Matches<IssuedToken>(t => t.Token.Length == 43 && TokenService.IsWellFormed(t.Token)));
            Assert.That(issued, Has.All.Matches<IssuedToken>(t => t.Token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')));
            Assert.That(issued[0].Digest, Is.EqualTo(SHA256.HashData(Encoding.ASCII.GetBytes(issued[0].Token))));
            Assert.That(issued[0].ExpiresAt, Is.EqualTo(_clock.GetUtcNow().UtcDateTime.AddHours(3)));
        });
    }

    [TestCase("", false)]
    [TestCase("short", false)]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true)]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", false)]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", false)]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    public void IsWellFormed_AcceptsOnly43Base64UrlCharacters(string token, bool expected)
    {
        Assert.That(TokenService.IsWellFormed(token), Is.EqualTo(expected));
    }
}
