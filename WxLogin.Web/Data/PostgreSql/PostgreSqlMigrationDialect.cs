namespace WxLogin.Web.Data.PostgreSql;

/// <summary>PostgreSQL: an advisory lock held by each script's transaction serialises instances starting at once.</summary>
public sealed class PostgreSqlMigrationDialect : MigrationDialect
{
    public override string ScriptFolder => "postgresql";

    public override string CreateSchemaVersionsSql => """
        CREATE TABLE IF NOT EXISTS "SchemaVersions" (
            "Version" integer NOT NULL CONSTRAINT "PK_SchemaVersions" PRIMARY KEY,
            "Name" varchar(200) NOT NULL,
            "AppliedAt" timestamp with time zone NOT NULL
        );
        """;

    // Released with the transaction. A second instance waits here, then finds the script recorded.
    public override string MigrationLockSql => "SELECT pg_advisory_xact_lock(hashtext('WxLogin.SchemaMigrator'));";
}
