using System.Net;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Extensions;

/// <summary>Kestrel itself (TestServer never writes a Server header): no banner names the server.</summary>
public sealed class ServerHeaderTests
{
    private WxLoginFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartKestrel()
    {
        _factory = new WxLoginFactory();
        _client = new HttpClient { BaseAddress = _factory.StartOnKestrel() };
    }

    [OneTimeTearDown]
    public void StopKestrel()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [TestCase("/api/user/me", HttpStatusCode.Unauthorized)]
    [TestCase("/health/live", HttpStatusCode.OK)]
    [TestCase("/no-such-path", HttpStatusCode.NotFound)]
    public async Task NoAnswer_CarriesAServerHeader(string path, HttpStatusCode status)
    {
        var response = await _client.GetAsync(path);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(status));
            Assert.That(response.Headers.Contains("Server"), Is.False, $"Server: {response.Headers.Server}");
        });
    }
}
