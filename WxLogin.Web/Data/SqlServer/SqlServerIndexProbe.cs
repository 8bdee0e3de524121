using System.Data.Common;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>Reads dbo.Users' indexes from sys.indexes: the unique ones, and the token index's INCLUDE (0005).</summary>
public sealed class SqlServerIndexProbe : IndexProbe
{
    /// <summary>One row per index of dbo.Users and included column (NULL when it has none).</summary>
    internal const string IndexesSql = """
        SELECT i.name, i.is_unique, COL_NAME(c.object_id, c.column_id)
        FROM sys.indexes AS i
        LEFT JOIN sys.index_columns AS c
            ON c.object_id = i.object_id AND c.index_id = i.index_id AND c.is_included_column = 1
        WHERE i.object_id = OBJECT_ID(N'dbo.Users') AND i.name IS NOT NULL
        """;

    public sealed record Index(string Name, bool IsUnique, IReadOnlySet<string> Included);

    public override async Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = IndexesSql;
        var rows = new List<(string Name, bool IsUnique, string? Included)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }
        return Missing(rows
            .GroupBy(row => row.Name, StringComparer.OrdinalIgnoreCase)
            .Select(index => new Index(index.Key, index.First().IsUnique,
                index.Where(row => row.Included is not null).Select(row => row.Included!).ToHashSet(StringComparer.OrdinalIgnoreCase)))
            .ToList());
    }

    /// <summary>What the service needs and the indexes lack, or null.</summary>
    public static string? Missing(IReadOnlyCollection<Index> indexes)
    {
        var byName = indexes.ToDictionary(index => index.Name, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var (name, unique) in new[] { ("IX_Users_OpenId", true), ("IX_Users_TokenDigest", true), ("IX_Users_UnionId", false), ("IX_Users_ReplacedTokenDigest", false) })
        {
            if (!byName.TryGetValue(name, out var index))
            {
                problems.Add($"index {name} is missing");
            }
            else if (unique && !index.IsUnique)
            {
                problems.Add($"index {name} is not unique");
            }
        }
        if (byName.TryGetValue("IX_Users_TokenDigest", out var token)
            && UserProjection.Names.Where(name => name != "Id" && !token.Included.Contains(name)).ToList() is { Count: > 0 } uncovered)
        {
            problems.Add($"index IX_Users_TokenDigest does not include {string.Join(", ", uncovered)} (0005_cover_token_index.sql)");
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
