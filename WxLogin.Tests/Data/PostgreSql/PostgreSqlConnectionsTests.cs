using Npgsql;
using WxLogin.Web.Data.PostgreSql;

namespace WxLogin.Tests.Data.PostgreSql;

/// <summary>The pool settings WxLogin chooses for PostgreSQL, and that a connection string that names them wins.</summary>
public sealed class PostgreSqlConnectionsTests
{
    [Test]
    public void Defaults_PrepareTheHotStatements_AndSkipTheResetOnReturn()
    {
        using var connections = new PostgreSqlConnections("Host=127.0.0.1;Port=1;Database=wxlogin;Username=app");

        var used = new NpgsqlConnectionStringBuilder(connections.ConnectionString);

        Assert.Multiple(() =>
        {
            Assert.That(used.MaxAutoPrepare, Is.EqualTo(16));
            Assert.That(used.NoResetOnClose, Is.True);
            Assert.That(used.ApplicationName, Is.EqualTo("WxLogin"));
        });
    }

    [TestCase("Max Auto Prepare=0;No Reset On Close=false;Application Name=Shop")]
    [TestCase("MaxAutoPrepare=0;NoResetOnClose=false;ApplicationName=Shop")]
    public void SettingsTheConnectionStringNames_AreKept_AsForATransactionModePgBouncer(string named)
    {
        using var connections = new PostgreSqlConnections("Host=127.0.0.1;Port=1;Database=wxlogin;Username=app;" + named);

        var used = new NpgsqlConnectionStringBuilder(connections.ConnectionString);

        Assert.Multiple(() =>
        {
            Assert.That(used.MaxAutoPrepare, Is.Zero);
            Assert.That(used.NoResetOnClose, Is.False);
            Assert.That(used.ApplicationName, Is.EqualTo("Shop"));
        });
    }
}
