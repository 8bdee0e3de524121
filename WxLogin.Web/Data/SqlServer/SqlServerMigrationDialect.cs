using System.Text.RegularExpressions;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>SQL Server: sp_getapplock serialises instances; scripts are split at sqlcmd's GO lines.</summary>
public sealed partial class SqlServerMigrationDialect : MigrationDialect
{
    public override string ScriptFolder => "sqlserver";

    public override string CreateSchemaVersionsSql => """
        IF OBJECT_ID(N'dbo.SchemaVersions', N'U') IS NULL
        CREATE TABLE dbo.SchemaVersions (
            Version int NOT NULL CONSTRAINT PK_SchemaVersions PRIMARY KEY,
            Name nvarchar(200) NOT NULL,
            AppliedAt datetime2 NOT NULL
        );
        """;

    // Released with the transaction. A second instance waits here, then finds the script recorded.
    public override string MigrationLockSql => """
        DECLARE @lock int;
        EXEC @lock = sp_getapplock @Resource = N'WxLogin.SchemaMigrator', @LockMode = N'Exclusive',
            @LockOwner = N'Transaction', @LockTimeout = 120000;
        IF @lock < 0
            THROW 50000, N'Timed out waiting for another instance to finish the database scripts (sp_getapplock).', 1;
        """;

    // GO is sqlcmd's batch separator, not T-SQL: a script that sqlcmd -i runs is sent here the same way.
    public override IReadOnlyList<string> SplitBatches(string script) =>
        BatchSeparator().Split(script).Where(batch => !string.IsNullOrWhiteSpace(batch)).ToList();

    [GeneratedRegex(@"^[ \t]*GO[ \t]*(?:--[^\r\n]*)?\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex BatchSeparator();
}
