using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;

namespace WxLogin.Tests.Data;

/// <summary>Readiness asks the provider's <see cref="IndexProbe"/>, where it registers one (SQL Server), after the columns.</summary>
public sealed class DatabaseHealthCheckTests
{
    private sealed class MissingIndexProbe : IndexProbe
    {
        public override Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken) =>
            Task.FromResult<string?>("index IX_Users_OpenId is missing");
    }

    [Test]
    public async Task Readiness_Fails_NamingTheIndex_WhenTheProvidersIndexProbeFindsOneMissing()
    {
        using var app = new WxLoginFactory();
        using var withProbe = app.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IndexProbe, MissingIndexProbe>()));
        using var client = withProbe.CreateClient();

        var ready = await client.GetAsync("/health/ready");

        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(app.Logs, Has.Some.Contains("The database lacks indexes the service needs: index IX_Users_OpenId is missing"));
        });
    }
}
