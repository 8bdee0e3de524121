using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Controllers;

/// <summary>
/// GET /api/user/me is the hot read: it needs the token lookup and nothing else. Building an EF Core
/// DbContext (through UserService) or a WeChat client and a Data Protection protector (through
/// LoginService) for every request cost it a third of its throughput (docs/performance.md).
/// </summary>
[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class UserControllerMeCostTests(DatabaseProvider provider) : AppFixture(provider)
{
    [Test]
    public async Task Me_AnswersTheUser_WithoutBuildingADbContextOrTheLoginService()
    {
        var login = await Factory.LoginAsync($"me-cost-{Guid.NewGuid():N}", Client);
        // The same app and database, except that asking for either service fails the request.
        using var strict = Factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddScoped<AppDbContext>(_ => throw new InvalidOperationException("GET /api/user/me built a DbContext"));
            services.AddScoped<LoginService>(_ => throw new InvalidOperationException("GET /api/user/me built the LoginService"));
        }));
        using var client = strict.CreateClient();

        var response = await client.GetMeAsync(login.Token);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var user = JsonDocument.Parse(body).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
            Assert.That(user.GetProperty("openId").GetString(), Is.EqualTo(login.User.OpenId));
        });
    }
}
