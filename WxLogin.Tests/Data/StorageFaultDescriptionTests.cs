using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;

namespace WxLogin.Tests.Data;

/// <summary>
/// Which SQLite errors mean "the storage cannot serve now" (503 storage_unavailable, one log line
/// naming the cause) and which are ours (500). The codes are SQLite's own (https://sqlite.org/rescode.html).
/// </summary>
public sealed class StorageFaultDescriptionTests
{
    private readonly SqliteFaults _faults = new(new SqliteConnections("Data Source=unused.db"));

    [TestCase(13, 13, "disk is full")]
    [TestCase(8, 8, "read-only")]
    [TestCase(8, 1032, "deleted, moved or replaced")]
    [TestCase(5, 5, "write lock")]
    [TestCase(10, 266, "I/O error")]
    [TestCase(14, 14, "cannot be opened")]
    [TestCase(26, 26, "not a database")]
    public void DescribeStorageFault_NamesTheCause_ForEachStorageError(int code, int extendedCode, string cause)
    {
        var error = new DbUpdateException("save failed", new SqliteException("SQLite said no", code, extendedCode));

        Assert.That(_faults.Describe(error), Does.Contain(cause));
    }

    [TestCase(19, 2067)] // a unique index: handled where it happens
    [TestCase(1, 1)] // a statement of ours that SQLite cannot run: a bug, 500
    public void DescribeStorageFault_IsNull_ForErrorsThatAreNotTheStorage(int code, int extendedCode)
    {
        Assert.That(_faults.Describe(new SqliteException("SQLite said no", code, extendedCode)), Is.Null);
    }

    [Test]
    public void DescribeStorageFault_SaysDiskFull_ForTheErrorSQLiteGivesWhenItCannotGrowTheFile()
    {
        // max_page_count makes SQLite hit the same SQLITE_FULL a full disk gives.
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE Filler (Data BLOB); PRAGMA max_page_count = 4;";
        command.ExecuteNonQuery();
        command.CommandText = "INSERT INTO Filler VALUES (zeroblob(1000000))";

        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.That(error!.SqliteErrorCode, Is.EqualTo(13));
        Assert.That(_faults.Describe(error), Does.Contain("disk is full"));
    }

    [Test]
    public void IsLockTimeout_IsTrue_OnlyForBusyAndLocked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_faults.IsLockTimeout(new SqliteException("busy", 5, 5)), Is.True);
            Assert.That(_faults.IsLockTimeout(new SqliteException("locked", 6, 6)), Is.True);
            Assert.That(_faults.IsLockTimeout(new SqliteException("full", 13, 13)), Is.False);
        });
    }

    [Test]
    public void RuntimeConnections_NeverCreateTheFile()
    {
        var connections = new SqliteConnections("Data Source=/tmp/never-created.db");

        Assert.Multiple(() =>
        {
            Assert.That(new SqliteConnectionStringBuilder(connections.RuntimeConnectionString).Mode, Is.EqualTo(SqliteOpenMode.ReadWrite));
            Assert.That(new SqliteConnectionStringBuilder(connections.UnpooledConnectionString).Mode, Is.EqualTo(SqliteOpenMode.ReadWrite));
            Assert.That(new SqliteConnectionStringBuilder(connections.UnpooledConnectionString).Pooling, Is.False);
        });
    }
}
