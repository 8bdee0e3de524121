using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data.SqlServer;

public sealed class SqlServerMigrationDialectTests
{
    [Test]
    public void SqlServer_SplitBatches_SplitsOnGoLinesLikeSqlcmd()
    {
        const string script = "CREATE TABLE a (x int);\r\nGO\r\n  go  -- second separator\nALTER TABLE a ADD y int;\nGOTO_label: PRINT 'GO';\nGO";

        var batches = new SqlServerMigrationDialect().SplitBatches(script);

        Assert.That(batches.Select(b => b.Trim()), Is.EqualTo(new[]
        {
            "CREATE TABLE a (x int);",
            "ALTER TABLE a ADD y int;\nGOTO_label: PRINT 'GO';",
        }));
    }
}
