using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Extensions;
using WxLogin.Web.Options;

namespace WxLogin.Tests.Telemetry;

/// <summary>The logs an operator reads: one start-up line that says what runs, and no per-request noise from EF Core.</summary>
public sealed class LogTests
{
    [Test]
    public async Task StartupLine_NamesEnvironmentWeChatDatabaseKeyRingAndSwagger_ButNoSecret()
    {
        var keys = Path.Combine(Path.GetTempPath(), $"wxlogin-keys-{Guid.NewGuid():N}");
        try
        {
            using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = keys });
            await factory.CreateClient().GetAsync("/health/live");

            var started = factory.Logs.Where(line => line.Contains("WxLogin started:")).ToList();

            Assert.That(started, Has.Count.EqualTo(1), string.Join("\n", factory.Logs));
            Assert.That(started[0], Does.StartWith("Information ")
                .And.Contain("environment Testing")
                .And.Contain($"WeChat Emulator at the in-process emulator, AppId {WxLoginFactory.AppId}")
                .And.Contain($"database Sqlite file {factory.DatabasePath}")
                .And.Contain($"key ring {keys}")
                .And.Contain("Swagger UI /swagger")
                .And.Not.Contain(WxLoginFactory.AppSecret));
        }
        finally
        {
            if (Directory.Exists(keys))
            {
                Directory.Delete(keys, recursive: true);
            }
        }
    }

    [Test]
    public async Task StartupLine_InProduction_NamesTheLiveApi_AndNoSwagger()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live" }, environment: "Production")
        {
            WeChatHandler = StubHttpHandler.Text("""{"session_key":"tiihtNczf5v6AKRyjwEUhQ==","openid":"oProd"}"""),
        };
        await factory.CreateClient().GetAsync("/health/live");

        var started = factory.Logs.Single(line => line.Contains("WxLogin started:"));

        Assert.That(started, Does.Contain("environment Production")
            .And.Contain($"WeChat Live at https://api.weixin.qq.com/, AppId {WxLoginFactory.AppId}")
            .And.Contain("Swagger UI off (Production)")
            .And.Not.Contain(WxLoginFactory.AppSecret));
    }

    [Test]
    public void DatabaseDescription_ForSqlServer_NamesServerAndDatabase_NeverThePassword()
    {
        var connections = new SqlServerConnections(
            "Server=sql.example.internal,1433;Database=WxLogin;User Id=wxlogin;Password=Pa55-w0rd!;Encrypt=True");

        var described = connections.Describe();

        Assert.That(described, Is.EqualTo("SqlServer server sql.example.internal,1433, database WxLogin"));
    }

    [Test]
    public async Task Login_WritesNoEfCoreInformationLines_AtTheDefaultLevels()
    {
        using var factory = new WxLoginFactory();

        await factory.LoginAsync("quiet-logs.1");
        await factory.LoginAsync("quiet-logs.2");

        Assert.That(factory.Logs.Where(line => line.StartsWith("Information Microsoft.EntityFrameworkCore", StringComparison.Ordinal)),
            Is.Empty, "EF Core's per-context and per-command Information lines are off");
    }
}
