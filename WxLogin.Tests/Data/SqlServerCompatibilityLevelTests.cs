using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Options;

namespace WxLogin.Tests.Data;

/// <summary>
/// Database:SqlServerCompatibilityLevel: EF Core writes T-SQL for the level it is told, so the level
/// must reach UseSqlServer. No server: the SQL is read with ToQueryString(), which opens no connection.
/// GREATEST (SQL Server 2022, level 160) is the visible marker: EF uses it only from 160 on.
/// </summary>
public sealed class SqlServerCompatibilityLevelTests
{
    private const string NoServer = "Server=127.0.0.1,1;Database=unused;Connect Timeout=1";

    private static AppDbContext Context(SqlServerConnections dialect)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        dialect.ConfigureEf(options);
        return new AppDbContext(options.Options);
    }

    private static string LargerOfIdAndFive(AppDbContext db) => db.Users.Select(u => Math.Max(u.Id, 5)).ToQueryString();

    [Test]
    public void Default_Is150_SqlServer2019_SoEfWritesNoSql2022Functions()
    {
        using var db = Context(new SqlServerConnections(NoServer));

        Assert.Multiple(() =>
        {
            Assert.That(new DatabaseOptions().SqlServerCompatibilityLevel, Is.EqualTo(150));
            Assert.That(LargerOfIdAndFive(db), Does.Not.Contain("GREATEST"));
        });
    }

    [TestCase(150, false)]
    [TestCase(160, true)]
    public void TheConfiguredLevel_ReachesEf(int level, bool greatest)
    {
        using var db = Context(new SqlServerConnections(NoServer, level));

        Assert.That(LargerOfIdAndFive(db), greatest ? Does.Contain("GREATEST([u].[Id], 5)") : Does.Not.Contain("GREATEST"));
    }

    [TestCase(110)]
    [TestCase(150)]
    [TestCase(170)]
    public void ContainsOverAList_IsOneParameterPerValue_WithoutJsonFunctions(int level)
    {
        // EF Core 8 and 9 sent the list as one JSON parameter read by OPENJSON (needs level 130); EF Core 10
        // sends one parameter per value, which any level runs.
        using var db = Context(new SqlServerConnections(NoServer, level));
        var openIds = new[] { "o-1", "o-2" };

        var sql = db.Users.Where(u => openIds.Contains(u.OpenId)).Select(u => u.Id).ToQueryString();

        Assert.Multiple(() =>
        {
            Assert.That(sql, Does.Contain("[u].[OpenId] IN (@openIds1, @openIds2)"));
            Assert.That(sql, Does.Not.Contain("OPENJSON").And.Not.Contain("JSON_"));
        });
    }

    [Test]
    public async Task TheSetting_ReachesTheAppsDbContext_FromConfiguration()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:AutoMigrate"] = "false",
            ["Database:SqlServerCompatibilityLevel"] = "160",
            ["ConnectionStrings:Default"] = NoServer,
        });
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        Assert.Multiple(() =>
        {
            Assert.That(scope.ServiceProvider.GetRequiredService<DatabaseConnections>(),
                Is.TypeOf<SqlServerConnections>().With.Property(nameof(SqlServerConnections.CompatibilityLevel)).EqualTo(160));
            Assert.That(LargerOfIdAndFive(db), Does.Contain("GREATEST"));
        });
    }

    [TestCase("100")]
    [TestCase("180")]
    public void AnUnknownLevel_StopsTheAppAtStart_NamingTheSetting(string level)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:AutoMigrate"] = "false",
            ["Database:SqlServerCompatibilityLevel"] = level,
            ["ConnectionStrings:Default"] = NoServer,
        });

        Assert.That(factory.StartFailure(), Does.Contain("Database__SqlServerCompatibilityLevel").And.Contain("110").And.Contain("170"));
    }
}
