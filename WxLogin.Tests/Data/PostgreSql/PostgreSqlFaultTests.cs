using System.Net;
using System.Net.Http.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Data.PostgreSql;

/// <summary>
/// The PostgreSQL server going away under the running app and coming back: 503 storage_unavailable
/// (never 500), /health/ready 503 while it lasts, and logins recover by themselves, without a restart.
/// On a private cluster, since the test stops its server.
/// </summary>
[Category(nameof(DatabaseProvider.PostgreSql))]
public sealed class PostgreSqlFaultTests
{
    [Test]
    public async Task AStoppedServer_Answers503StorageUnavailable_AndLoginsRecoverOnceItIsBack()
    {
        var cluster = PostgreSqlCluster.StartPrivate();
        try
        {
            using var database = cluster.CreateDatabase();
            using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = database.ConnectionString },
                provider: DatabaseProvider.PostgreSql);
            using var client = factory.CreateClient();
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
        }
        finally
        {
            cluster.Delete();
        }
    }

    /// <summary>The first 200 within the time, else the last answer. Each attempt gets a fresh WeChat code.</summary>
    private static async Task<HttpResponseMessage> RetryForAsync(TimeSpan time, Func<int, Task<HttpResponseMessage>> send)
    {
        var until = DateTime.UtcNow + time;
        for (var attempt = 0; ; attempt++)
        {
            var response = await send(attempt);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > until)
            {
                return response;
            }
            await Task.Delay(100);
        }
    }
}
