using System.Net;
using System.Net.Http.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Controllers;

/// <summary>Races between logins and logouts of one user, and what they leave in the log.</summary>
[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class UserControllerLoginRaceTests(DatabaseProvider provider) : AppFixture(provider)
{
    /// <summary>
    /// Two instances on one database, each upserting the same new openid: within one instance the SQLite
    /// writer is a single thread, so the race needs two writers (on PostgreSQL and SQL Server too, it is
    /// the multi-instance case that matters).
    /// </summary>
    [Test]
    public async Task RacingFirstLogins_OfOneOpenId_FromTwoInstancesOnOneDatabase_MakeOneUser_AndLogNoError()
    {
        using var other = new WxLoginFactory(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = Factory.ConnectionString }, provider: Provider);
        using var otherClient = other.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            (i % 2 == 0 ? Client : otherClient).PostAsJsonAsync("/api/user/login", new { code = $"quiet-racer.{i}" })));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.IsOkAsync()).GetProperty("user").GetProperty("id").GetInt32()));

        Assert.That(ids.Distinct().Count(), Is.EqualTo(1), "one user, whichever instance inserted it");
        Assert.That(Factory.Logs.Concat(other.Logs), Has.None.StartsWith("Error").And.None.StartsWith("Critical"));
    }

    [Test]
    public async Task Logout_RacingANewLogin_NeverRevokesTheNewToken()
    {
        for (var round = 0; round < 20; round++)
        {
            var old = await Factory.LoginAsync($"logout-racer.{round}a", Client);

            var logout = Client.SendJsonAsync(HttpMethod.Post, "/api/user/logout", old.Token, null);
            var login = Client.PostAsJsonAsync("/api/user/login", new { code = $"logout-racer.{round}b" });
            await Task.WhenAll(logout, login);

            var fresh = (await login.Result.Content.ReadFromJsonAsync<Web.Models.LoginResponse>())!;
            var me = await Client.GetMeAsync(fresh.Token);
            Assert.That((await me.IsOkAsync()).GetProperty("id").GetInt32(), Is.EqualTo(old.User.Id), $"round {round}");
            // Logout first: the old token is gone (token_invalid); login first: the login replaced it and the
            // logout, conditional on the old digest, changed nothing (token_replaced). Either way it is refused.
            var stale = await Client.GetMeAsync(old.Token);
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"round {round}");
            Assert.That((await stale.Content.ReadAsStringAsync()), Does.Contain("\"code\":\"token_invalid\"").Or.Contain("\"code\":\"token_replaced\""));
        }
    }
}
