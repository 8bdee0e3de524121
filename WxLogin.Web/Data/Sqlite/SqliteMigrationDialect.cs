namespace WxLogin.Web.Data.Sqlite;

/// <summary>SQLite's transactions already serialise writers (one write lock per file): no lock of our own.</summary>
public sealed class SqliteMigrationDialect : MigrationDialect
{
    public override string ScriptFolder => "sqlite";

    // WAL lets readers (every [CheckToken] request) proceed while a login writes.
    public override string PrepareSql => "PRAGMA journal_mode=WAL;";

    public override string CreateSchemaVersionsSql => """
        CREATE TABLE IF NOT EXISTS SchemaVersions (
            Version INTEGER NOT NULL CONSTRAINT PK_SchemaVersions PRIMARY KEY,
            Name TEXT NOT NULL,
            AppliedAt TEXT NOT NULL
        );
        """;
}
