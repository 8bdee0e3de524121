using Dapper;
using WxLogin.Web.Data;
using WxLogin.Web.Data.PostgreSql;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data;

public sealed class SchemaMigratorTests
{
    [Test]
    public async Task Migrate_AppliesEveryScriptOnce_AndRecordsIt()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync(migrate: false);
        var scripts = database.Migrator().Scripts();

        await database.Migrator().MigrateAsync();
        await database.Migrator().MigrateAsync();

        await using var connection = await database.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<(long Version, string Name)>(
            "SELECT Version, Name FROM SchemaVersions ORDER BY Version")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(scripts, Is.Not.Empty);
            Assert.That(recorded.Select(r => (int)r.Version), Is.EqualTo(scripts.Select(s => s.Version)));
            Assert.That(recorded.Select(r => r.Name), Is.EqualTo(scripts.Select(s => s.Name)));
        });
    }

    [Test]
    public async Task Migrate_FromSeveralInstancesAtOnce_AppliesEachScriptOnce()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync(migrate: false);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => database.Migrator().MigrateAsync())));

        await using var connection = await database.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<long>("SELECT Version FROM SchemaVersions")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(recorded, Is.Unique);
            Assert.That(recorded, Has.Count.EqualTo(database.Migrator().Scripts().Count));
        });
    }

    [Test]
    public async Task Migrate_SkipsScriptsAlreadyRecorded_AsWhenADbaRanThemByHand()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync(migrate: false);
        await using (var connection = await database.OpenConnectionAsync())
        {
            // A DBA who ran the scripts by hand recorded them; the table they would create must not appear.
            await connection.ExecuteAsync(new SqliteMigrationDialect().CreateSchemaVersionsSql);
            foreach (var script in database.Migrator().Scripts())
            {
                await connection.ExecuteAsync(
                    "INSERT INTO SchemaVersions (Version, Name, AppliedAt) VALUES (@Version, @Name, '2025-01-01')",
                    new { script.Version, script.Name });
            }
        }

        await database.Migrator().MigrateAsync();

        await using var check = await database.OpenConnectionAsync();
        var usersTables = await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'Users'");
        Assert.That(usersTables, Is.Zero);
    }

    [Test]
    public void EveryProvider_HasTheSameNumberedScripts()
    {
        var sqlite = Migrator(new SqliteMigrationDialect()).Scripts();
        var sqlServer = Migrator(new SqlServerMigrationDialect()).Scripts();
        var postgreSql = Migrator(new PostgreSqlMigrationDialect()).Scripts();

        Assert.Multiple(() =>
        {
            Assert.That(sqlite.Select(s => s.Name), Is.EqualTo(sqlServer.Select(s => s.Name)));
            Assert.That(postgreSql.Select(s => s.Name), Is.EqualTo(sqlServer.Select(s => s.Name)));
            Assert.That(sqlite.Select(s => s.Version), Is.Unique);
        });
    }

    private static SchemaMigrator Migrator(MigrationDialect dialect) =>
        new(dialect, new SqliteConnections("Data Source=:memory:"), Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance);
}
