using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>
/// Database:Provider = SqlServer with nothing listening: SqlClient's genuine SqlException (a refused TCP
/// connection is "TCP Provider, error: 35", Number 0) must read as storage_unavailable everywhere.
/// </summary>
public sealed class SqlServerUnreachableTests : AppFixture
{
    /// <summary>A loopback port that was free a moment ago: connecting to it is refused at once.</summary>
    internal static string ClosedPortConnectionString()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"Server=tcp:127.0.0.1,{port};Database=WxLogin;User Id=sa;Password=unused;Encrypt=False;Connect Timeout=2;ConnectRetryCount=0";
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "SqlServer",
        ["Database:AutoMigrate"] = "false",
        ["ConnectionStrings:Default"] = ClosedPortConnectionString(),
    };

    [Test]
    public async Task Login_AnswersStorageUnavailable_WithoutAnUnhandledException()
    {
        var response = await Client.PostAsJsonAsync("/api/user/login", new { code = "unreachable.1" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        AssertNoUnhandledException();
    }

    [Test]
    public async Task Me_AnswersStorageUnavailable_WithoutAnUnhandledException()
    {
        var token = new string('A', 43);

        var response = await Client.GetMeAsync(token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        AssertNoUnhandledException();
    }

    [Test]
    public async Task Ready_Answers503_NamingTheUnreachableServer()
    {
        var response = await Client.GetAsync("/health/ready");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Unhealthy"));
            Assert.That(Factory.Logs, Has.Some.Contains("the database server cannot be reached"));
        });
    }

    [Test]
    public async Task TheRefusal_IsASqlExceptionNumberZero_ThatTheFaultsNameUnreachable()
    {
        await using var connection = new SqlConnection(ClosedPortConnectionString());

        var refused = Assert.ThrowsAsync<SqlException>(() => connection.OpenAsync());

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Number, Is.Zero, "SqlClient reports a refused connection without a server error number");
            Assert.That(refused.Errors.Cast<SqlError>().Select(e => e.Class), Has.All.GreaterThanOrEqualTo(20), "and as fatal");
            Assert.That(new SqlServerFaults().Describe(refused), Does.StartWith("the database server cannot be reached"));
        });
    }

    [Test]
    public async Task EfCoresFailure_IsTheServerUnreachableToo()
    {
        // Phone, profile, user info, deletion and WeChat's events write through EF, which may wrap the SqlException.
        var options = new DbContextOptionsBuilder<AppDbContext>();
        new SqlServerConnections(ClosedPortConnectionString()).ConfigureEf(options);
        await using var db = new AppDbContext(options.Options);

        var thrown = Assert.CatchAsync(() => db.Users.CountAsync());

        Assert.That(new SqlServerFaults().Describe(thrown!), Does.StartWith("the database server cannot be reached"), thrown!.ToString());
    }

    private void AssertNoUnhandledException() =>
        Assert.That(Factory.Logs, Has.None.Contains("Unhandled exception"), string.Join("\n", Factory.Logs));
}

/// <summary>Database:AutoMigrate=true with the server unreachable: one line naming the settings, no start.</summary>
public sealed class SqlServerUnreachableAtStartTests
{
    [Test]
    public void AutoMigrate_StopsTheStart_WithOneLineNamingTheSettings_AndNoStackTrace()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:AutoMigrate"] = "true",
            ["ConnectionStrings:Default"] = SqlServerUnreachableTests.ClosedPortConnectionString(),
        });

        var said = factory.StartFailure();

        Assert.Multiple(() =>
        {
            Assert.That(said, Does.Contain("Database__AutoMigrate").And.Contain("ConnectionStrings__Default")
                .And.Contain("the database server cannot be reached"));
            Assert.That(said.Split('\n'), Has.Length.EqualTo(1));
            Assert.That(said, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(factory.Logs, Has.None.Contains("   at "), "nothing else logged a stack trace either");
        });
    }
}

/// <summary>A server that takes the TCP connection and never answers: SqlClient's connect timeout, also 503.</summary>
public sealed class SqlServerSilentTests
{
    [Test]
    public async Task Me_AnswersStorageUnavailable_WhenTheServerNeverAnswers()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts into its backlog, never reads or writes
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:AutoMigrate"] = "false",
            ["ConnectionStrings:Default"] = $"Server=tcp:127.0.0.1,{port};Database=WxLogin;User Id=sa;Password=unused;Encrypt=False;Connect Timeout=1;ConnectRetryCount=0",
        });
        using var client = factory.CreateClient();

        var response = await client.GetMeAsync(new string('A', 43));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.That(factory.Logs, Has.None.Contains("Unhandled exception"), string.Join("\n", factory.Logs));
    }
}
