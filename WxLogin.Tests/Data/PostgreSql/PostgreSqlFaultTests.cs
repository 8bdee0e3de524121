using System.Net;
using System.Net.Http.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Data.PostgreSql;

/// <summary>
/// The PostgreSQL server going away or turning read-only under the running app, and coming back:
/// 503 storage_unavailable (never 500), /health/ready 503 while it lasts, and logins recover by
/// themselves, without a restart. On private clusters, since the tests stop or reconfigure the server.
/// </summary>
[Category(nameof(DatabaseProvider.PostgreSql))]
public sealed class PostgreSqlFaultTests
{
    [Test]
    public Task AStoppedServer_Answers503StorageUnavailable_AndLoginsRecoverOnceItIsBack() =>
        OnAPrivateClusterAsync(async (cluster, database, factory, client) =>
        {
            var before = await factory.LoginAsync("pg-down.1", client);

            cluster.StopServer();
            var login = await client.PostAsJsonAsync("/api/user/login", new { code = "pg-down.2" });
            var me = await client.GetMeAsync(before.Token);
            var ready = await client.GetAsync("/health/ready");

            await ProblemAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            await ProblemAssert.IsProblemAsync(me, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

            cluster.StartServer();
            var recovered = await RetryForAsync(TimeSpan.FromSeconds(10), attempt => client.PostAsJsonAsync("/api/user/login", new { code = $"pg-down.{3 + attempt}" }));

            Assert.That((await recovered.IsOkAsync()).GetProperty("user").GetProperty("id").GetInt32(), Is.EqualTo(before.User.Id));
            Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(factory.Logs, Has.None.StartsWith("Critical").And.None.Contains("internal_error"));
        });

    [Test]
    public Task AReadOnlyDatabase_Answers503ToLogins_ServesReads_AndHealsWhenWritableAgain() =>
        OnAPrivateClusterAsync(async (cluster, database, factory, client) =>
        {
            var before = await factory.LoginAsync("pg-readonly.1", client);

            // As a failover to a standby or an operator's switch does it: for every session, pooled ones too.
            await SetReadOnlyAsync(database.ConnectionString, on: true);
            var login = await RetryForAsync(TimeSpan.FromSeconds(5), attempt => client.PostAsJsonAsync("/api/user/login", new { code = $"pg-readonly.{2 + attempt}" }),
                until: HttpStatusCode.ServiceUnavailable);
            var me = await client.GetMeAsync(before.Token);
            var ready = await client.GetAsync("/health/ready");

            await ProblemAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads go on");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

            await SetReadOnlyAsync(database.ConnectionString, on: false);
            var recovered = await RetryForAsync(TimeSpan.FromSeconds(5), attempt => client.PostAsJsonAsync("/api/user/login", new { code = $"pg-readonly.{20 + attempt}" }));

            Assert.That((await recovered.IsOkAsync()).GetProperty("user").GetProperty("id").GetInt32(), Is.EqualTo(before.User.Id));
            Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(factory.Logs, Has.Some.Contains("read-only").And.None.Contains("internal_error"));
        });

    /// <summary>An app on a database of a cluster of its own, deleted afterwards whatever happened.</summary>
    private static async Task OnAPrivateClusterAsync(Func<PostgreSqlCluster, TestDatabase, WxLoginFactory, HttpClient, Task> test)
    {
        var cluster = PostgreSqlCluster.StartPrivate();
        try
        {
            using var database = cluster.CreateDatabase();
            using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = database.ConnectionString },
                provider: DatabaseProvider.PostgreSql);
            using var client = factory.CreateClient();
            await test(cluster, database, factory, client);
        }
        finally
        {
            cluster.Delete();
        }
    }

    private static async Task SetReadOnlyAsync(string connectionString, bool on)
    {
        await using var admin = new Npgsql.NpgsqlConnection(connectionString + ";Pooling=false");
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = on ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only";
        await command.ExecuteNonQueryAsync();
        command.CommandText = "SELECT pg_reload_conf()";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first answer with that status within the time, else the last answer. Each attempt gets a fresh WeChat code.</summary>
    private static async Task<HttpResponseMessage> RetryForAsync(TimeSpan time, Func<int, Task<HttpResponseMessage>> send,
        HttpStatusCode until = HttpStatusCode.OK)
    {
        var deadline = DateTime.UtcNow + time;
        for (var attempt = 0; ; attempt++)
        {
            var response = await send(attempt);
            if (response.StatusCode == until || DateTime.UtcNow > deadline)
            {
                return response;
            }
            await Task.Delay(100);
        }
    }
}
