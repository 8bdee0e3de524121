using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using WxLogin.Web.Data;
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

    private static IReadOnlyList<SchemaMigrator.Script> Scripts() =>
        new SchemaMigrator(new SqlServerMigrationDialect(), new SqlServerConnections("Server=unused"), NullLogger<SchemaMigrator>.Instance).Scripts();

    [Test]
    public void EveryScript_FirstSetsAnsiNullsAndQuotedIdentifierOn_InABatchOfItsOwn()
    {
        // sqlcmd -i without -I starts with QUOTED_IDENTIFIER OFF, and a filtered index then fails (Msg 1934)
        // halfway through the scripts; the migrator's SqlClient session has it ON. Each script says so itself.
        var scripts = Scripts();

        Assert.That(scripts, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var script in scripts)
            {
                var first = new SqlServerMigrationDialect().SplitBatches(script.Sql)[0];
                Assert.That(SessionSettings(first), Is.EqualTo(new[] { "AnsiNulls ON", "QuotedIdentifier ON" }), script.Name);
                Assert.That(ParsedBatches(script.Sql), Is.EqualTo(new SqlServerMigrationDialect().SplitBatches(script.Sql).Count),
                    $"{script.Name}: the migrator splits where sqlcmd and the parser do");
            }
        });
    }

    [TestCase("SET QUOTED_IDENTIFIER ON;\nSET ANSI_NULLS ON;\nCREATE TABLE t (x int);\nGO", TestName = "TheCheck_Refuses_SettingsSharingTheirBatch")]
    [TestCase("-- comment\nCREATE TABLE t (x int);\nGO\nSET ANSI_NULLS ON;\nSET QUOTED_IDENTIFIER ON;", TestName = "TheCheck_Refuses_SettingsAfterTheFirstBatch")]
    [TestCase("SET ANSI_NULLS ON;\nSET QUOTED_IDENTIFIER OFF;\nGO", TestName = "TheCheck_Refuses_QuotedIdentifierOff")]
    public void TheCheck_RefusesScriptsThatDoNotStartRight(string script)
    {
        var first = new SqlServerMigrationDialect().SplitBatches(script)[0];

        Assert.That(SessionSettings(first), Is.Not.EqualTo(new[] { "AnsiNulls ON", "QuotedIdentifier ON" }));
    }

    /// <summary>Each statement of the batch as "Option ON|OFF" when it is a SET of session options, else its type.</summary>
    private static List<string> SessionSettings(string batch) =>
        Parse(batch).Batches.SelectMany(b => b.Statements)
            .Select(statement => statement is PredicateSetStatement set ? $"{set.Options} {(set.IsOn ? "ON" : "OFF")}" : statement.GetType().Name)
            .ToList();

    private static int ParsedBatches(string script) => Parse(script).Batches.Count;

    private static TSqlScript Parse(string sql)
    {
        using var reader = new StringReader(sql);
        var script = (TSqlScript)SqlServerScriptShape.NewParser().Parse(reader, out var errors);
        Assert.That(errors, Is.Empty, string.Join("; ", errors.Select(e => e.Message)));
        return script;
    }
}
