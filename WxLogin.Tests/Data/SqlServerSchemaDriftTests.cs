using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Web.Data;

namespace WxLogin.Tests.Data;

/// <summary>
/// database/sqlserver/ against the EF model as the SqlServer provider maps it: tables, columns, store
/// types, nullability, identity, keys and indexes. No server: the scripts are read as text and the
/// model is walked (the same model GenerateCreateScript() prints).
/// </summary>
public sealed class SqlServerSchemaDriftTests
{
    private static DbContextOptions<AppDbContext> SqlServerModel()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        new SqlServerDialect("Server=unused;Database=unused").ConfigureEf(options); // no connection is opened
        return options.Options;
    }

    private static SchemaShape EfShape() => SchemaShape.FromEfModel(SqlServerModel(), "dbo", IsIdentity, namedPrimaryKeys: true);

    private static bool IsIdentity(IColumn column) =>
        column.PropertyMappings.Any(m => SqlServerPropertyExtensions.GetValueGenerationStrategy(m.Property) == SqlServerValueGenerationStrategy.IdentityColumn);

    [Test]
    public void Scripts_DeclareExactlyTheSchemaOfTheEfModel()
    {
        var scripts = new SchemaMigrator(new SqlServerDialect("Server=unused"), NullLogger<SchemaMigrator>.Instance)
            .Scripts().Select(s => s.Sql);

        var fromScripts = SqlServerScriptReader.Read(scripts);
        var fromModel = EfShape();

        Assert.That(fromScripts.Lines, Is.EqualTo(fromModel.Lines),
            "database/sqlserver/ and the EF model disagree:\n" + SchemaShape.Differences(fromModel, "EF model", fromScripts, "scripts"));
    }

    [Test]
    public void Reader_ReadsEfsOwnCreateScript_AsTheModel()
    {
        // Checks the reader itself: EF's DDL for the model must read back as the model.
        using var db = new AppDbContext(SqlServerModel());
        var createScript = db.Database.GenerateCreateScript();

        var fromCreateScript = SqlServerScriptReader.Read([createScript]);
        var fromModel = EfShape();

        Assert.That(fromCreateScript.Lines, Is.EqualTo(fromModel.Lines),
            createScript + "\n" + SchemaShape.Differences(fromModel, "EF model", fromCreateScript, "GenerateCreateScript()"));
    }

    [Test]
    public void Reader_ReadsGuardsGoBatchesAlterTableAddAndExecStrings()
    {
        const string drifted = """
            IF OBJECT_ID(N'dbo.T', N'U') IS NULL
            CREATE TABLE dbo.T (Id int IDENTITY(1,1) NOT NULL CONSTRAINT PK_T PRIMARY KEY, Name nvarchar(32) NULL);
            GO
            IF COL_LENGTH(N'dbo.T', N'Phone') IS NULL
                ALTER TABLE [dbo].[T] ADD [Phone] nvarchar(20) NOT NULL CONSTRAINT DF_T_Phone DEFAULT (N''), Code int
            EXEC(N'CREATE UNIQUE INDEX IX_T_Phone ON dbo.T (Phone) WHERE ([Phone] IS NOT NULL)')
            """;

        var shape = SqlServerScriptReader.Read([drifted]);

        Assert.That(shape.Lines, Is.EquivalentTo(new[]
        {
            "table dbo.T",
            "column dbo.T.Id int NOT NULL IDENTITY",
            "column dbo.T.Name nvarchar(32) NULL",
            "column dbo.T.Phone nvarchar(20) NOT NULL",
            "column dbo.T.Code int NULL",
            "primary key dbo.T PK_T (Id)",
            "index dbo.T IX_T_Phone UNIQUE (Phone) WHERE PHONE IS NOT NULL",
        }));
    }

    [TestCase("ALTER TABLE dbo.Users DROP COLUMN Nickname")]
    [TestCase("DROP INDEX IX_Users_UnionId ON dbo.Users")]
    [TestCase("EXEC sp_rename N'dbo.Users.Nickname', N'NickName', N'COLUMN'")]
    [TestCase("ALTER TABLE dbo.Users ADD CONSTRAINT FK_Users_X FOREIGN KEY (Id) REFERENCES dbo.X (Id)")]
    public void Reader_RefusesStatementsItCannotFollow(string statement)
    {
        Assert.Throws<NotSupportedException>(() => SqlServerScriptReader.Read([statement]));
    }

    [Test]
    public void Reader_TakesAlterColumn_AsTheColumnsNewDefinition()
    {
        var shape = SqlServerScriptReader.Read([
            "CREATE TABLE dbo.T (Id int NOT NULL, Name nvarchar(64) NULL)",
            "IF COL_LENGTH(N'dbo.T', N'Name') < 512 ALTER TABLE dbo.T ALTER COLUMN Name nvarchar(256) NULL",
        ]);

        Assert.That(shape.Lines, Does.Contain("column dbo.T.Name nvarchar(256) NULL").And.Not.Contain("column dbo.T.Name nvarchar(64) NULL"));
    }
}
