using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace WxLogin.Web.Data;

/// <summary>
/// Applies the numbered scripts of database/&lt;provider&gt;/ (embedded in the assembly) that the
/// SchemaVersions table does not list yet, each in its own transaction, in order. Several instances
/// may start at once: each script's transaction first takes the dialect's migration lock and then
/// checks SchemaVersions again, so a script runs once however many instances race for it.
/// Feature assemblies (<see cref="FeatureAssembly"/>) add their own embedded scripts to the same sequence.
/// </summary>
public sealed partial class SchemaMigrator(
    MigrationDialect dialect,
    DatabaseConnections connections,
    ILogger<SchemaMigrator> logger,
    IEnumerable<FeatureAssembly>? features = null)
{
    /// <summary>
    /// WxLogin's own scripts are numbered below this; a team's scripts take this number and up (to 8999;
    /// the tests' sample uses 9000 and up), so an upgrade of WxLogin never brings a number a team already used.
    /// </summary>
    public const int FirstTeamVersion = 1000;

    /// <summary>Seconds one batch may run: a script that builds an index on a large table takes a while.</summary>
    private const int BatchTimeoutSeconds = 600;

    internal const string InsertVersionSql =
        """INSERT INTO "SchemaVersions" ("Version", "Name", "AppliedAt") VALUES (@Version, @Name, @AppliedAt)""";

    internal const string AppliedVersionsSql = """SELECT "Version" FROM "SchemaVersions" """;

    public sealed record Script(int Version, string Name, string Sql);

    /// <summary>The scripts for this provider, ordered by their number (0001_create_users.sql is 1).</summary>
    public IReadOnlyList<Script> Scripts()
    {
        var prefix = $"database/{dialect.ScriptFolder}/";
        var assemblies = new[] { typeof(SchemaMigrator).Assembly }.Concat((features ?? []).Select(f => f.Assembly)).Distinct();
        var scripts = assemblies
            .SelectMany(assembly => assembly.GetManifestResourceNames()
                .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                .Select(name => ReadScript(assembly, name, name[prefix.Length..])))
            .OrderBy(script => script.Version)
            .ToList();
        EnsureEachNumberOnce(scripts);
        return scripts;
    }

    /// <summary>Two scripts of one number would both run, in no set order, and be recorded once.</summary>
    internal static void EnsureEachNumberOnce(IEnumerable<Script> scripts)
    {
        if (scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException(
                $"Database scripts {string.Join(" and ", twice.Select(s => s.Name))} share the number {twice.Key}: give each its own.");
        }
    }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = connections.CreateMigrationConnection();
        await connection.OpenAsync(cancellationToken);
        if (dialect.PrepareSql is { } prepare)
        {
            await connection.ExecuteAsync(prepare);
        }
        await using (var transaction = await BeginLockedAsync(connection, cancellationToken))
        {
            await connection.ExecuteAsync(dialect.CreateSchemaVersionsSql, transaction: transaction);
            await transaction.CommitAsync(cancellationToken);
        }
        var applied = await AppliedVersionsAsync(connection, transaction: null);

        foreach (var script in Scripts().Where(s => !applied.Contains(s.Version)))
        {
            await ApplyAsync(connection, script, cancellationToken);
        }
    }

    private async Task ApplyAsync(DbConnection connection, Script script, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginLockedAsync(connection, cancellationToken);
        if ((await AppliedVersionsAsync(connection, transaction)).Contains(script.Version))
        {
            return; // another instance applied it while this one waited
        }
        foreach (var batch in dialect.SplitBatches(script.Sql))
        {
            await connection.ExecuteAsync(batch, transaction: transaction, commandTimeout: BatchTimeoutSeconds);
        }
        await connection.ExecuteAsync(
            InsertVersionSql,
            new { script.Version, script.Name, AppliedAt = DateTime.UtcNow },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Applied database script {Script}", script.Name);
    }

    private async Task<DbTransaction> BeginLockedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (dialect.MigrationLockSql is { } takeLock)
        {
            await connection.ExecuteAsync(takeLock, transaction: transaction, commandTimeout: BatchTimeoutSeconds);
        }
        return transaction;
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, DbTransaction? transaction) =>
        (await connection.QueryAsync<int>(AppliedVersionsSql, transaction: transaction)).ToHashSet();

    private static Script ReadScript(Assembly assembly, string resourceName, string fileName)
    {
        var match = ScriptName().Match(fileName);
        if (!match.Success)
        {
            throw new InvalidOperationException($"Database script '{fileName}' must be named NNNN_description.sql.");
        }
        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        return new Script(int.Parse(match.Groups[1].Value), fileName, reader.ReadToEnd());
    }

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex ScriptName();
}
