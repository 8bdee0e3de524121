using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Models;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Data.PostgreSql;

/// <summary>
/// Two WxLogin instances on one PostgreSQL database, as a scaled-out deployment runs them: what one
/// instance writes, the other sees at once; an instance killed under load loses no login it answered.
/// </summary>
[Category(nameof(DatabaseProvider.PostgreSql))]
public sealed class TwoInstancesTests
{
    private WxLoginFactory _a = null!;
    private WxLoginFactory _b = null!;
    private HttpClient _clientA = null!;
    private HttpClient _clientB = null!;

    [OneTimeSetUp]
    public void StartTwoAppsOnOneDatabase()
    {
        _a = new WxLoginFactory(provider: DatabaseProvider.PostgreSql);
        _b = new WxLoginFactory(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = _a.ConnectionString },
            provider: DatabaseProvider.PostgreSql);
        _clientA = _a.CreateClient();
        _clientB = _b.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApps()
    {
        _clientB?.Dispose();
        _clientA?.Dispose();
        _b?.Dispose();
        _a?.Dispose();
    }

    [Test]
    public async Task ATokenFromA_WorksOnB()
    {
        var login = await _a.LoginAsync($"two-a-{Guid.NewGuid():N}.1", _clientA);

        var me = await (await _clientB.GetMeAsync(login.Token)).IsOkAsync();

        Assert.That(me.GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
    }

    [Test]
    public async Task LogoutOnA_Answers401OnB_AtOnce()
    {
        var login = await _a.LoginAsync($"two-logout-{Guid.NewGuid():N}.1", _clientA);
        await (await _clientB.GetMeAsync(login.Token)).IsOkAsync();

        var logout = await _clientA.SendJsonAsync(HttpMethod.Post, "/api/user/logout", login.Token, null);

        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await _clientB.GetMeAsync(login.Token), HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task DeleteOnB_Answers401OnA_AtOnce()
    {
        var login = await _a.LoginAsync($"two-delete-{Guid.NewGuid():N}.1", _clientA);
        await (await _clientA.GetMeAsync(login.Token)).IsOkAsync();

        var delete = await _clientB.SendJsonAsync(HttpMethod.Delete, "/api/user/me", login.Token, null);

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await _clientA.GetMeAsync(login.Token), HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task ANewerLoginOnB_ReplacesTheTokenFromA_AtOnce()
    {
        var first = await _a.LoginAsync("two-relogin.1", _clientA);

        var second = await _b.LoginAsync("two-relogin.2", _clientB);

        Assert.That(second.User.Id, Is.EqualTo(first.User.Id));
        await ProblemAssert.IsProblemAsync(await _clientA.GetMeAsync(first.Token), HttpStatusCode.Unauthorized, "token_replaced");
        await (await _clientA.GetMeAsync(second.Token)).IsOkAsync();
    }

    [Test]
    public async Task FirstLoginsOfOneOpenId_RacingOnBothInstances_CreateOneUser()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            (i % 2 == 0 ? _clientA : _clientB).PostAsJsonAsync("/api/user/login", new { code = $"two-racer.{i}" })));

        var logins = await Task.WhenAll(responses.Select(async r =>
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), await r.Content.ReadAsStringAsync());
            return (await r.Content.ReadFromJsonAsync<LoginResponse>())!;
        }));
        Assert.That(logins.Select(l => l.User.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(_a.Logs.Concat(_b.Logs), Has.None.StartsWith("Error").And.None.StartsWith("Critical"));
    }

    [Test]
    public async Task AnInstanceKilledUnderLoginLoad_LosesNoAcknowledgedLogin()
    {
        using var database = TestDatabase.Create(DatabaseProvider.PostgreSql);
        using var server = ServerProcess.Start(new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__Default"] = database.ConnectionString,
            ["WeChat__Mode"] = "Emulator",
            ["Auth__RejectedCodesPerMinute"] = "1000000",
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitUntilHealthyAsync(http);

        // Eight clients log in new users as fast as the server answers; once it has answered 200 logins
        // (or after five seconds on a slow machine) it is killed mid-flight.
        var acknowledged = new ConcurrentBag<LoginResponse>();
        var failedInFlight = 0;
        var next = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await http.PostAsJsonAsync("/api/user/login", new { code = $"killed-{Interlocked.Increment(ref next)}.1" });
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<LoginResponse>())!);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failedInFlight); // the process is gone: never acknowledged
                    return;
                }
            }
        })).ToList();
        var loadUntil = DateTime.UtcNow.AddSeconds(5);
        while (acknowledged.Count < 200 && DateTime.UtcNow < loadUntil)
        {
            await Task.Delay(20);
        }
        server.KillHard();
        stop.Cancel();
        await Task.WhenAll(clients);

        await using var connection = await database.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(string OpenId, byte[]? TokenDigest)>("""SELECT "OpenId", "TokenDigest" FROM "Users" """))
            .ToDictionary(row => row.OpenId, row => row.TokenDigest);
        var lost = acknowledged.Where(login => !stored.TryGetValue(login.User.OpenId, out var digest)
            || digest is null || !digest.AsSpan().SequenceEqual(TokenService.Digest(login.Token))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(acknowledged, Is.Not.Empty, "the load reached the server");
            Assert.That(failedInFlight, Is.GreaterThan(0), "the kill landed while logins were in flight");
            Assert.That(lost.Select(login => login.User.OpenId), Is.Empty, $"{lost.Count} of {acknowledged.Count} acknowledged logins are not in the database");
        });
    }
}
