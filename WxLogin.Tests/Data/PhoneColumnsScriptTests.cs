using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Data.Sqlite;

namespace WxLogin.Tests.Data;

/// <summary>0002_add_user_phone.sql: upgrades a database made by 0001 in place, and exists for both providers.</summary>
public sealed class PhoneColumnsScriptTests
{
    [Test]
    public async Task Script0002_AddsThePhoneColumns_AndKeepsExistingUsers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wxlogin-0002-{Guid.NewGuid():N}.db");
        var connections = new SqliteConnections($"Data Source={path}");
        var migrator = new SchemaMigrator(new SqliteMigrationDialect(), connections, NullLogger<SchemaMigrator>.Instance);
        try
        {
            await using (var connection = new SqliteConnection(connections.ConnectionString))
            {
                // A database as the login foundation left it: 0001 applied and recorded, one user.
                await connection.ExecuteAsync(new SqliteMigrationDialect().CreateSchemaVersionsSql);
                await connection.ExecuteAsync(migrator.Scripts().Single(s => s.Version == 1).Sql);
                await connection.ExecuteAsync("INSERT INTO SchemaVersions (Version, Name, AppliedAt) VALUES (1, '0001_create_users.sql', '2026-11-01')");
                await connection.ExecuteAsync(
                    "INSERT INTO Users (OpenId, CreatedAt, UpdatedAt) VALUES ('o-existing', '2026-11-01', '2026-11-01')");
            }

            await migrator.MigrateAsync();
            await migrator.MigrateAsync();

            await using var check = new SqliteConnection(connections.ConnectionString);
            var columns = (await check.QueryAsync<string>("SELECT name FROM pragma_table_info('Users')")).ToList();
            var versions = (await check.QueryAsync<int>("SELECT Version FROM SchemaVersions ORDER BY Version")).ToList();
            var phone = await check.QuerySingleAsync<string?>("SELECT PhoneNumber FROM Users WHERE OpenId = 'o-existing'");
            Assert.Multiple(() =>
            {
                Assert.That(columns, Is.SupersetOf(new[] { "PhoneNumber", "PurePhoneNumber", "CountryCode" }));
                Assert.That(versions, Does.Contain(2).And.Unique);
                Assert.That(phone, Is.Null);
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Test]
    public void Script0002_ExistsForSqliteAndSqlServer_AndGuardsEachColumnOnSqlServer()
    {
        var sqlite = new SchemaMigrator(new SqliteMigrationDialect(), new SqliteConnections("Data Source=:memory:"), NullLogger<SchemaMigrator>.Instance).Scripts();
        var sqlServer = new SchemaMigrator(new SqlServerMigrationDialect(), new SqlServerConnections("Server=unused"), NullLogger<SchemaMigrator>.Instance).Scripts();

        var sqlServerScript = sqlServer.Single(s => s.Version == 2);
        Assert.Multiple(() =>
        {
            Assert.That(sqlite.Single(s => s.Version == 2).Name, Is.EqualTo("0002_add_user_phone.sql"));
            Assert.That(sqlServerScript.Name, Is.EqualTo("0002_add_user_phone.sql"));
            foreach (var column in new[] { "PhoneNumber", "PurePhoneNumber", "CountryCode" })
            {
                Assert.That(sqlServerScript.Sql, Does.Contain($"IF COL_LENGTH(N'dbo.Users', N'{column}') IS NULL"));
            }
        });
    }
}
