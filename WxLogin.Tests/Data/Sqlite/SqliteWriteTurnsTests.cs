using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Models;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Data.Sqlite;

/// <summary>
/// EF Core's writes (profile, phone, user info, deletion) wait for the login writer's turn, and return once the
/// writer's group commit made them durable; with two instances on one file, as two processes run it, every
/// write is answered within Database:WriteTimeout. How long they wait is measured in bench/ (shared-file).
/// </summary>
[NonParallelizable] // a load test: it measures waits, so it runs alone
public sealed class SqliteWriteTurnsTests
{
    private static readonly TimeSpan Load = TimeSpan.FromSeconds(3);

    [Test]
    public async Task EfWritesAndLogins_OnTwoInstancesOfOneFile_AreAllAnsweredWithinTheWriteTimeout()
    {
        // Two seconds (the default is five), so a write that waited for the lock longer than that shows as 503
        // storage_unavailable; here the slowest waits a few hundred milliseconds even on a busy machine.
        var settings = new Dictionary<string, string?> { ["Database:WriteTimeout"] = "00:00:02" };
        using var a = new WxLoginFactory(settings);
        using var b = new WxLoginFactory(new Dictionary<string, string?>(settings) { ["ConnectionStrings:Default"] = a.ConnectionString });
        var results = new ConcurrentBag<(string Kind, HttpStatusCode Status, TimeSpan Took)>();

        var instances = await Task.WhenAll(Instance.StartAsync(a, "a"), Instance.StartAsync(b, "b"));
        using var stop = new CancellationTokenSource(Load);
        await Task.WhenAll(instances.SelectMany(instance => instance.Loops(results, stop.Token)));

        await TestContext.Out.WriteLineAsync(Percentiles(results));
        var refused = results.Where(r => !IsSuccess(r.Status)).GroupBy(r => $"{r.Kind} {(int)r.Status}")
            .Select(g => $"{g.Key}: {g.Count()}").ToList();
        Assert.That(refused, Is.Empty, $"answers other than 2xx among {results.Count}; slowest of each kind: {Slowest(results)}");
        Assert.That(results.Select(r => r.Kind).Distinct(), Is.EquivalentTo(new[] { "login", "profile", "phone", "userinfo", "delete" }));
        Assert.That(results.Count(r => r.Kind != "login"), Is.GreaterThan(100), "enough EF writes to mean something");
    }

    [Test]
    public async Task AProfileSave_WaitsForTheWritersTurn_AndReturnsOnlyAfterTheWritersNextCommit()
    {
        using var factory = new WxLoginFactory();

        var (save, next) = await SaveBehindATurnAsync(factory, CancellationToken.None);
        using (await next)
        {
            Assert.That(await NicknameAsync(factory), Is.EqualTo("新昵称"), "the save committed in its turn");
            await Task.Delay(300);
            Assert.That(save.IsCompleted, Is.False, "the save returns only once a commit of the writer synced it to disk");
        }

        await save.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task AClientThatHangsUpAfterTheCommit_GetsItsWriteKept_AndLeavesNoErrorInTheLog()
    {
        using var factory = new WxLoginFactory();
        using var hangUp = new CancellationTokenSource();

        var (save, next) = await SaveBehindATurnAsync(factory, hangUp.Token);
        using (await next)
        {
            await hangUp.CancelAsync(); // while the save waits for the fsync of its commit
        }

        await save.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(await NicknameAsync(factory), Is.EqualTo("新昵称"));
        Assert.That(factory.Logs.Where(line => line.StartsWith("Error", StringComparison.Ordinal)), Is.Empty);
    }

    /// <summary>
    /// A profile save that waits for a turn the test holds, and the writer's next turn, taken right behind the
    /// save's: once the test lets go, the save commits, and the writer then lends its next turn to the test
    /// before the commit that would sync the save to disk.
    /// </summary>
    private static async Task<(Task Save, Task<IDisposable> Next)> SaveBehindATurnAsync(WxLoginFactory factory, CancellationToken cancellationToken)
    {
        var writer = factory.Services.GetRequiredService<SqliteLoginStore>();
        var user = await factory.Services.GetRequiredService<LoginStore>().SaveLoginAsync(new LoginWrite("oTurnDurable", null, "not a real key",
            RandomNumberGenerator.GetBytes(32), DateTime.UtcNow.AddDays(1), DateTime.UtcNow), CancellationToken.None);

        var held = await writer.TakeTurnAsync(CancellationToken.None);
        var save = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<UserService>().UpdateProfileAsync(user, new ProfileRequest("新昵称", null), cancellationToken);
        });
        await WaitUntilAsync(() => writer.QueuedWrites == 1, "the save queues for the turn the test holds");
        var next = writer.TakeTurnAsync(CancellationToken.None);
        held.Dispose();
        return (save, next);
    }

    private static async Task<string?> NicknameAsync(WxLoginFactory factory)
    {
        await using var connection = await factory.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT Nickname FROM Users WHERE OpenId = 'oTurnDurable'");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), what);
            await Task.Delay(10);
        }
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static string Percentiles(IEnumerable<(string Kind, HttpStatusCode Status, TimeSpan Took)> results) =>
        string.Join("\n", results.GroupBy(r => r.Kind).Select(g => g.Select(r => r.Took.TotalMilliseconds).Order().ToList() is var ms
            ? $"{g.Key}: {ms.Count} requests, p50 {ms[ms.Count / 2]:F1} ms, p99 {ms[(int)(ms.Count * 0.99)]:F1} ms, max {ms[^1]:F1} ms"
            : ""));

    private static string Slowest(IEnumerable<(string Kind, HttpStatusCode Status, TimeSpan Took)> results) =>
        string.Join(", ", results.GroupBy(r => r.Kind).Select(g => $"{g.Key} {g.Max(r => r.Took).TotalMilliseconds:F0} ms"));

    /// <summary>One instance's clients: per kind, loops that send one request after another until the load ends.</summary>
    private sealed class Instance(WxLoginFactory factory, string name, HttpClient client, IReadOnlyList<Instance.User> users)
    {
        private const int UsersPerInstance = 16;
        private int _codes;

        public sealed record User(string Token, string PhoneData, string PhoneIv, string InfoData, string InfoIv);

        public static async Task<Instance> StartAsync(WxLoginFactory factory, string name)
        {
            var client = factory.CreateClient();
            var users = new List<User>();
            for (var i = 0; i < UsersPerInstance; i++)
            {
                var login = await factory.LoginAsync($"turns-{name}-{Guid.NewGuid():N}.1", client);
                var phone = await client.EncryptForAsync(login.Token);
                var info = await client.EncryptForAsync(login.Token, new { openId = login.User.OpenId, nickName = "测试用户" });
                users.Add(new User(login.Token, phone.EncryptedData, phone.Iv, info.EncryptedData, info.Iv));
            }
            return new Instance(factory, name, client, users);
        }

        /// <summary>Four loops of logins, profile saves and deletions, two of phone and of user info: 16 clients.</summary>
        public IEnumerable<Task> Loops(ConcurrentBag<(string, HttpStatusCode, TimeSpan)> results, CancellationToken stop)
        {
            for (var i = 0; i < 4; i++)
            {
                yield return Loop(stop, n => Send("login", HttpMethod.Post, "/api/user/login", null, new { code = NextCode() }, results));
                yield return Loop(stop, n => Send("profile", HttpMethod.Put, "/api/user/profile", users[n % users.Count].Token,
                    new { nickname = $"昵称{n}" }, results));
                yield return Loop(stop, async n =>
                {
                    var login = await factory.LoginAsync(NextCode(), client);
                    await Send("delete", HttpMethod.Delete, "/api/user/me", login.Token, null, results);
                });
            }
            for (var i = 0; i < 2; i++)
            {
                yield return Loop(stop, n => Send("phone", HttpMethod.Post, "/api/user/phone", users[n % users.Count].Token,
                    new { encryptedData = users[n % users.Count].PhoneData, iv = users[n % users.Count].PhoneIv }, results));
                yield return Loop(stop, n => Send("userinfo", HttpMethod.Post, "/api/user/userinfo", users[n % users.Count].Token,
                    new { encryptedData = users[n % users.Count].InfoData, iv = users[n % users.Count].InfoIv }, results));
            }
        }

        private string NextCode() => $"turns-{name}-{Guid.NewGuid():N}.{Interlocked.Increment(ref _codes)}";

        private static async Task Loop(CancellationToken stop, Func<int, Task> send)
        {
            await Task.Yield();
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await send(n);
            }
        }

        private async Task Send(string kind, HttpMethod method, string path, string? token, object? body,
            ConcurrentBag<(string, HttpStatusCode, TimeSpan)> results)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendJsonAsync(method, path, token, body);
            results.Add((kind, response.StatusCode, Stopwatch.GetElapsedTime(started)));
        }
    }
}
