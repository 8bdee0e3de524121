using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace WxLogin.Web.Data;

/// <summary>
/// Applies the numbered scripts of database/&lt;provider&gt;/ (embedded in the assembly) that the
/// SchemaVersions table does not list yet, each in its own transaction, in order.
/// </summary>
public sealed partial class SchemaMigrator(DatabaseDialect dialect, ILogger<SchemaMigrator> logger)
{
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
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        if (dialect.PrepareSql is { } prepare)
        {
            await connection.ExecuteAsync(prepare);
        }
        await connection.ExecuteAsync(dialect.CreateSchemaVersionsSql);
        var applied = (await connection.QueryAsync<int>("SELECT Version FROM SchemaVersions")).ToHashSet();

        foreach (var script in Scripts().Where(s => !applied.Contains(s.Version)))
        {
            await ApplyAsync(connection, script, cancellationToken);
        }
    }

    private async Task ApplyAsync(DbConnection connection, Script script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(script.Sql, transaction: transaction);
        await connection.ExecuteAsync(
            "INSERT INTO SchemaVersions (Version, Name, AppliedAt) VALUES (@Version, @Name, @AppliedAt)",
            new { script.Version, script.Name, AppliedAt = DateTime.UtcNow },
            transaction);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Applied database script {Script}", script.Name);
    }

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
