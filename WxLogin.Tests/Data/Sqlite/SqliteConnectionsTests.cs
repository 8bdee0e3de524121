using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace WxLogin.Tests.Data.Sqlite;

/// <summary>What every connection EF opens to SQLite is set to.</summary>
public sealed class SqliteConnectionsTests
{
    [Test]
    public async Task EfConnections_WaitForTheWriteLockInsideSqlite_ForTheWriteTimeout()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        await using var db = database.OpenContext();
        await db.Database.OpenConnectionAsync();
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";

        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(5000L), "Database:WriteTimeout's default, in milliseconds");
    }
}
