using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Tests.Data;
using WxLogin.Tests.Data.SqlServer;
using WxLogin.Tests.Samples.Orders;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Samples;

/// <summary>
/// The Orders sample's scripts and entities under WxLogin's own schema drift checks: a team's table and user
/// field are held to the same rule as ours (the scripts build exactly the EF model), and come after ours.
/// </summary>
public sealed class OrdersSampleSchemaTests
{
    private static readonly FeatureAssembly Sample = new(typeof(Order).Assembly);

    [OneTimeSetUp]
    public void StepAsideIfTaken() => OrdersSample.StepAsideIfTaken();

    private static SchemaMigrator Migrator(MigrationDialect dialect, DatabaseConnections connections) =>
        new(dialect, connections, NullLogger<SchemaMigrator>.Instance, [Sample]);

    private static DbContextOptions<AppDbContext> Model(DatabaseConnections connections)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        connections.ConfigureEf(options);
        options.AddFeatureModel(Sample.Assembly);
        return options.Options;
    }

    /// <summary>SQL Server's scripts with the sample's (edited by <paramref name="edit"/>) and its model with the sample's.</summary>
    private static (SchemaShape FromScripts, SchemaShape FromModel) SqlServerShapes(
        Func<IEnumerable<SchemaMigrator.Script>, IEnumerable<SchemaMigrator.Script>> edit)
    {
        var connections = new SqlServerConnections("Server=unused;Database=unused"); // no connection is opened
        return (SqlServerScriptShape.Read(edit(Migrator(new SqlServerMigrationDialect(), connections).Scripts()).Select(s => (s.Name, s.Sql))),
            SchemaShape.FromEfModel(Model(connections), "dbo", SqlServerSchemaDriftTests.IsIdentity, namedPrimaryKeys: true,
                included: SqlServerSchemaDriftTests.IncludedColumns));
    }

    [Test]
    public async Task Sqlite_ScriptsWithTheSample_BuildExactlyTheModelWithTheSample()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync(migrate: false);
        await Migrator(new SqliteMigrationDialect(), database.Connections).MigrateAsync();

        var fromModel = SchemaShape.FromEfModel(Model(database.Connections), defaultSchema: null, isIdentity: null, namedPrimaryKeys: false);
        var fromDatabase = await SqliteSchemaDriftTests.ReadSchemaAsync(database);

        Assert.That(fromDatabase.Lines, Is.EqualTo(fromModel.Lines),
            SchemaShape.Differences(fromModel, "EF model", fromDatabase, "scripts"));
        Assert.That(fromModel.Lines, Does.Contain("table Orders").And.Contain("column Users.MemberLevel integer NOT NULL"));
    }

    [Test]
    public void SqlServer_ScriptsWithTheSample_DeclareExactlyTheModelWithTheSample()
    {
        var (fromScripts, fromModel) = SqlServerShapes(scripts => scripts);

        Assert.That(fromScripts.Lines, Is.EqualTo(fromModel.Lines),
            SchemaShape.Differences(fromModel, "EF model", fromScripts, "scripts"));
        Assert.That(fromModel.Lines, Does.Contain("table dbo.Orders").And.Contain("column dbo.Users.MemberLevel int NOT NULL"));
    }

    [Test]
    public void SqlServer_DriftInTheSamplesScript_IsFound()
    {
        var (fromScripts, fromModel) = SqlServerShapes(scripts => scripts.Select(s => s.Name == "9000_create_orders.sql"
            ? s with { Sql = s.Sql.Replace("Item nvarchar(64)", "Item nvarchar(32)") }
            : s));

        Assert.That(fromModel.Lines.Except(fromScripts.Lines), Is.EqualTo(new[] { "column dbo.Orders.Item nvarchar(64) NOT NULL" }));
    }

    [Test]
    public async Task Migrate_AppliesTheSamplesScriptsAfterOurs_InTheirNumbersOrder()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync(migrate: false);

        await Migrator(new SqliteMigrationDialect(), database.Connections).MigrateAsync();

        await using var connection = await database.OpenConnectionAsync();
        var applied = (await connection.QueryAsync<(long Version, string Name)>("SELECT Version, Name FROM SchemaVersions ORDER BY AppliedAt, Version")).ToList();
        var webScripts = database.Migrator().Scripts(); // WxLogin's own, and a team's in WxLogin.Web
        Assert.Multiple(() =>
        {
            Assert.That(webScripts.Select(s => s.Version), Has.Some.LessThan(SchemaMigrator.FirstTeamVersion));
            Assert.That(applied.Select(a => a.Name), Is.EqualTo(webScripts.Select(s => s.Name)
                .Concat(["9000_create_orders.sql", "9001_add_users_member_level.sql"])));
        });
    }

    [Test]
    public void Scripts_SharingANumber_AreRefused()
    {
        SchemaMigrator.Script[] scripts = [new(1000, "1000_create_orders.sql", ""), new(1000, "1000_create_coupons.sql", "")];

        var thrown = Assert.Throws<InvalidOperationException>(() => SchemaMigrator.EnsureEachNumberOnce(scripts));

        Assert.That(thrown!.Message, Does.Contain("1000_create_orders.sql and 1000_create_coupons.sql share the number 1000"));
    }
}
