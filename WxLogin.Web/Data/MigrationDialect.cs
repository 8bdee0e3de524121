namespace WxLogin.Web.Data;

/// <summary>How <see cref="SchemaMigrator"/> runs a provider's scripts: their folder, the version table, the lock, the batches.</summary>
public abstract class MigrationDialect
{
    /// <summary>Folder under database/ that holds this provider's scripts.</summary>
    public abstract string ScriptFolder { get; }

    /// <summary>Creates the table that records which scripts ran, if it is missing.</summary>
    public abstract string CreateSchemaVersionsSql { get; }

    /// <summary>Run once at start, outside any transaction, before the scripts.</summary>
    public virtual string? PrepareSql => null;

    /// <summary>
    /// Run first inside each script's transaction, so that instances starting at once against one
    /// database take turns; null when the provider's transactions already serialise writers.
    /// </summary>
    public virtual string? MigrationLockSql => null;

    /// <summary>The batches of one script, sent to the server one after the other.</summary>
    public virtual IReadOnlyList<string> SplitBatches(string script) => [script];
}
