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
/// </summary>
public sealed partial class SchemaMigrator(MigrationDialect dialect, DatabaseConnections connections, ILogger<SchemaMigrator> logger)
{
    /// <summary>Seconds one batch may run: a script that builds an index on a large table takes a while.</summary>
    private const int BatchTimeoutSeconds = 600;

    public sealed record Script(int Version, string Name, string Sql);

    /// <summary>The scripts for this provider, ordered by their number (0001_create_users.sql is 1).</summary>
    public IReadOnlyList<Script> Scripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"database/{dialect.ScriptFolder}/";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => ReadScript(assembly, name, name[prefix.Length..]))
            .OrderBy(script => script.Version)
            .ToList();
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
            """INSERT INTO "SchemaVersions" ("Version", "Name", "AppliedAt") VALUES (@Version, @Name, @AppliedAt)""",
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
        (await connection.QueryAsync<int>("""SELECT "Version" FROM "SchemaVersions" """, transaction: transaction)).ToHashSet();

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
