using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Moq;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Deploy;

/// <summary>/health/live says the process answers; /health/ready (and /health) that a request can be served.</summary>
public sealed class HealthTests
{
    [Test]
    public async Task LiveReadyAndHealth_Answer200_WhenAllIsWell()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/health/live", "/health/ready", "/health" })
        {
            var response = await client.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"), path);
        }
    }

    [Test]
    public async Task Live_Answers200_AndReady503_WhenTheDatabaseDoesNotAnswer()
    {
        var missingFolder = Path.Combine(Path.GetTempPath(), $"wxlogin-missing-{Guid.NewGuid():N}", "x.db");
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:AutoMigrate"] = "false",
            ["ConnectionStrings:Default"] = $"Data Source={missingFolder}",
        });
        using var client = factory.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        var health = await client.GetAsync("/health");

        Assert.Multiple(async () =>
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a load balancer must not restart the process for the database");
            Assert.That(await live.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Unhealthy"));
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "/health stays readiness");
        });
    }

    [Test]
    public async Task KeyRingCheck_IsHealthy_WhenTheKeyRingProtectsAndUnprotects()
    {
        var check = new KeyRingHealthCheck(new EphemeralDataProtectionProvider());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task KeyRingCheck_IsUnhealthy_WhenTheKeyRingFails()
    {
        var protector = new Mock<IDataProtector>();
        protector.Setup(p => p.Protect(It.IsAny<byte[]>())).Throws(new System.Security.Cryptography.CryptographicException("The key ring is unreadable."));
        var provider = new Mock<IDataProtectionProvider>();
        provider.Setup(p => p.CreateProtector(It.IsAny<string>())).Returns(protector.Object);

        var result = await new KeyRingHealthCheck(provider.Object).CheckHealthAsync(new HealthCheckContext());

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Exception?.Message, Is.EqualTo("The key ring is unreadable."));
        });
    }
}
