using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data;

/// <summary>
/// database/sqlserver/ against the EF model as the SqlServer provider maps it: tables, columns, store
/// types, nullability, identity, keys and indexes. No server: Microsoft's T-SQL parser (ScriptDom)
/// reads the scripts and the model is walked (the same model GenerateCreateScript() prints).
/// </summary>
public sealed class SqlServerSchemaDriftTests
{
    private static DbContextOptions<AppDbContext> SqlServerModel()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        new SqlServerConnections("Server=unused;Database=unused").ConfigureEf(options); // no connection is opened
        return options.Options;
    }

    private static SchemaShape EfShape() => SchemaShape.FromEfModel(SqlServerModel(), "dbo", IsIdentity, namedPrimaryKeys: true);

    private static bool IsIdentity(IColumn column) =>
        column.PropertyMappings.Any(m => SqlServerPropertyExtensions.GetValueGenerationStrategy(m.Property) == SqlServerValueGenerationStrategy.IdentityColumn);

    private static IReadOnlyList<SchemaMigrator.Script> Scripts() =>
        new SchemaMigrator(new SqlServerMigrationDialect(), new SqlServerConnections("Server=unused"), NullLogger<SchemaMigrator>.Instance).Scripts();

    private static SchemaShape ReadScripts(IEnumerable<SchemaMigrator.Script> scripts) =>
        SqlServerScriptShape.Read(scripts.Select(s => (s.Name, s.Sql)));

    [Test]
    public void Scripts_DeclareExactlyTheSchemaOfTheEfModel()
    {
        var fromScripts = ReadScripts(Scripts());
        var fromModel = EfShape();

        Assert.That(fromScripts.Lines, Is.EqualTo(fromModel.Lines),
            "database/sqlserver/ and the EF model disagree:\n" + SchemaShape.Differences(fromModel, "EF model", fromScripts, "scripts"));
    }

    // Mutation checks: each edit of the real scripts must show as drift, naming the model's line it breaks.
    [TestCase("UnionId nvarchar(64) NULL,", "", "column dbo.Users.UnionId nvarchar(64) NULL",
        TestName = "Drift_IsFound_WhenAColumnIsDroppedFromCreateTable")]
    [TestCase(" WHERE TokenDigest IS NOT NULL", "", "index dbo.Users IX_Users_TokenDigest UNIQUE (TokenDigest) WHERE TOKENDIGEST IS NOT NULL",
        TestName = "Drift_IsFound_WhenAnIndexLosesItsFilter")]
    [TestCase("WHERE UnionId IS NOT NULL", "WHERE UnionId IS NULL", "index dbo.Users IX_Users_UnionId (UnionId) WHERE UNIONID IS NOT NULL",
        TestName = "Drift_IsFound_WhenAnIndexFilterChanges")]
    [TestCase("CREATE UNIQUE INDEX IX_Users_OpenId", "CREATE INDEX IX_Users_OpenId", "index dbo.Users IX_Users_OpenId UNIQUE (OpenId)",
        TestName = "Drift_IsFound_WhenAnIndexIsNoLongerUnique")]
    [TestCase("OpenId nvarchar(64) NOT NULL", "OpenId nvarchar(64) NULL", "column dbo.Users.OpenId nvarchar(64) NOT NULL",
        TestName = "Drift_IsFound_WhenAColumnBecomesNullable")]
    [TestCase("AvatarUrl nvarchar(512)", "AvatarUrl nvarchar(500)", "column dbo.Users.AvatarUrl nvarchar(512) NULL",
        TestName = "Drift_IsFound_WhenAColumnLengthChanges")]
    [TestCase(" TokenDigest varbinary(32)", " TokenDigest binary(32)", "column dbo.Users.TokenDigest varbinary(32) NULL",
        TestName = "Drift_IsFound_WhenAColumnTypeChanges")]
    [TestCase("Id int IDENTITY(1,1) NOT NULL", "Id int NOT NULL", "column dbo.Users.Id int NOT NULL IDENTITY",
        TestName = "Drift_IsFound_WhenAColumnLosesIdentity")]
    [TestCase("ADD CountryCode nvarchar(8) NULL", "ADD CountryCode nvarchar(16) NULL", "column dbo.Users.CountryCode nvarchar(8) NULL",
        TestName = "Drift_IsFound_WhenAnAlterTableAddChanges")]
    public void Drift_IsFound_WhenAScriptIsMutated(string find, string replaceWith, string modelLine)
    {
        var scripts = Scripts();
        Assert.That(scripts.Sum(s => Occurrences(s.Sql, find)), Is.EqualTo(1), $"the mutation needs '{find}' once in database/sqlserver/");
        var mutated = scripts.Select(s => s with { Sql = s.Sql.Replace(find, replaceWith, StringComparison.Ordinal) });

        var fromScripts = ReadScripts(mutated);
        var fromModel = EfShape();

        // Exactly the mutated line goes missing: the rest of the scripts still reads as the model.
        Assert.That(fromModel.Lines.Except(fromScripts.Lines), Is.EqualTo(new[] { modelLine }),
            SchemaShape.Differences(fromModel, "EF model", fromScripts, "scripts"));
    }

    [Test]
    public void Reader_ReadsEfsOwnCreateScript_AsTheModel()
    {
        // Checks the reader itself: EF's DDL for the model must read back as the model.
        using var db = new AppDbContext(SqlServerModel());
        var createScript = db.Database.GenerateCreateScript();

        var fromCreateScript = SqlServerScriptShape.Read([createScript]);
        var fromModel = EfShape();

        Assert.That(fromCreateScript.Lines, Is.EqualTo(fromModel.Lines),
            createScript + "\n" + SchemaShape.Differences(fromModel, "EF model", fromCreateScript, "GenerateCreateScript()"));
    }

    [Test]
    public void Reader_ReadsGuardsGoBatchesBlocksAlterTableAddAndExecStrings()
    {
        const string script = """
            IF OBJECT_ID(N'dbo.T', N'U') IS NULL
            CREATE TABLE dbo.T (Id int IDENTITY(1,1) NOT NULL CONSTRAINT PK_T PRIMARY KEY, Name nvarchar(32) NULL,
                Tag varchar(max), CONSTRAINT UQ_T_Name UNIQUE (Name), CHECK (Id > 0));
            GO
            IF COL_LENGTH(N'dbo.T', N'Phone') IS NULL
            BEGIN
                ALTER TABLE [dbo].[T] ADD [Phone] nvarchar(20) NOT NULL CONSTRAINT DF_T_Phone DEFAULT (N''), Code int
                PRINT 'added'
            END
            EXEC(N'CREATE UNIQUE INDEX IX_T_Phone ON dbo.T (Phone) WHERE ([Phone] IS NOT NULL)')
            GO
            EXEC sp_executesql N'CREATE INDEX IX_T_Code ON T (Code DESC) INCLUDE (Name)'
            """;

        var shape = SqlServerScriptShape.Read([script]);

        Assert.That(shape.Lines, Is.EquivalentTo(new[]
        {
            "table dbo.T",
            "column dbo.T.Id int NOT NULL IDENTITY",
            "column dbo.T.Name nvarchar(32) NULL",
            "column dbo.T.Tag varchar(max) NULL",
            "column dbo.T.Phone nvarchar(20) NOT NULL",
            "column dbo.T.Code int NULL",
            "primary key dbo.T PK_T (Id)",
            "unique constraint dbo.T UQ_T_Name (Name)",
            "index dbo.T IX_T_Phone UNIQUE (Phone) WHERE PHONE IS NOT NULL",
            "index dbo.T IX_T_Code (Code)",
        }));
    }

    [TestCase("ALTER TABLE dbo.Users DROP COLUMN Nickname")]
    [TestCase("ALTER TABLE dbo.Users ALTER COLUMN Nickname ADD ROWGUIDCOL")]
    [TestCase("DROP INDEX IX_Users_UnionId ON dbo.Users")]
    [TestCase("DROP TABLE dbo.Users")]
    [TestCase("EXEC sp_rename N'dbo.Users.Nickname', N'NickName', N'COLUMN'")]
    [TestCase("ALTER TABLE dbo.Users ADD CONSTRAINT FK_Users_X FOREIGN KEY (Id) REFERENCES dbo.X (Id)")]
    [TestCase("ALTER TABLE dbo.Users ADD XId int NULL REFERENCES dbo.X (Id)")]
    [TestCase("ALTER TABLE dbo.Users ADD Twice AS (Id * 2)")]
    [TestCase("IF 1 = 1 EXEC(N'ALTER TABLE dbo.Users DROP COLUMN Nickname')")]
    [TestCase("SELECT Id INTO dbo.UsersCopy FROM dbo.Users")]
    [TestCase("CREATE VIEW dbo.V AS SELECT Id FROM dbo.Users")]
    public void Reader_RefusesStatementsItCannotFollow(string statement)
    {
        var thrown = Assert.Throws<NotSupportedException>(() => SqlServerScriptShape.Read([statement]));

        Assert.That(thrown!.Message, Does.Contain("does not follow").And.Contain("line 1"));
    }

    [Test]
    public void Reader_FailsWithTheParsersMessages_WhenTheParserRejectsAScript()
    {
        const string broken = """
            CREATE TABLE dbo.T (
                Id int NOT NULL,
                Name nvarchar(32) NULL NOT,
            );
            """;

        var thrown = Assert.Throws<FormatException>(() => SqlServerScriptShape.Read([("0099_broken.sql", broken)]));

        Assert.That(thrown!.Message, Does.StartWith("The T-SQL parser rejects 0099_broken.sql:")
            .And.Match(@"line 3, column \d+: Incorrect syntax near"));
    }

    private static int Occurrences(string text, string find)
    {
        var count = 0;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + find.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    [Test]
    public void Reader_TakesAlterColumn_AsTheColumnsNewDefinition()
    {
        var shape = SqlServerScriptShape.Read([
            "CREATE TABLE dbo.T (Id int NOT NULL, Name nvarchar(64) NULL, Code int NULL)",
            "IF COL_LENGTH(N'dbo.T', N'Name') < 512 ALTER TABLE dbo.T ALTER COLUMN Name nvarchar(256) NULL",
            "ALTER TABLE dbo.T ALTER COLUMN Code bigint NOT NULL",
        ]);

        Assert.That(shape.Lines, Is.EquivalentTo(new[]
        {
            "table dbo.T",
            "column dbo.T.Id int NOT NULL",
            "column dbo.T.Name nvarchar(256) NULL",
            "column dbo.T.Code bigint NOT NULL",
        }));
    }
}
