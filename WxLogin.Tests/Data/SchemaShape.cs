using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using WxLogin.Tests.Data.SqlServer;
using WxLogin.Web.Data;

namespace WxLogin.Tests.Data;

/// <summary>
/// A schema as comparable lines ("column dbo.Users.OpenId nvarchar(64) NOT NULL", "index …"), built
/// either by walking the EF model or by reading the scripts, so a drift shows as the lines that differ.
/// </summary>
internal sealed class SchemaShape
{
    private readonly SortedSet<string> _lines = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Lines => _lines;

    public void Add(string line)
    {
        if (!_lines.Add(line))
        {
            throw new InvalidOperationException($"Defined twice: {line}");
        }
    }

    /// <summary>Forgets a column defined earlier and returns its line, so ALTER COLUMN can state it anew.</summary>
    public string RemoveColumn(string table, string column)
    {
        var prefix = $"column {table}.{column} ";
        var line = _lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"ALTER COLUMN of a column not defined before: {table}.{column}");
        _lines.Remove(line);
        return line;
    }

    public static string Table(string? schema, string table) => schema is null ? table : $"{schema}.{table}";

    public static string Column(string table, string column, string storeType, bool nullable, bool identity = false) =>
        $"column {table}.{column} {NormalizeType(storeType)} {(nullable ? "NULL" : "NOT NULL")}{(identity ? " IDENTITY" : "")}";

    public static string PrimaryKey(string table, string? name, IEnumerable<string> columns) =>
        $"primary key {table}{(name is null ? "" : " " + name)} ({string.Join(", ", columns)})";

    public static string UniqueConstraint(string table, string name, IEnumerable<string> columns) =>
        $"unique constraint {table} {name} ({string.Join(", ", columns)})";

    /// <param name="included">INCLUDE (…) columns, in any order: they are listed sorted.</param>
    public static string Index(string table, string name, bool unique, IEnumerable<string> columns, string? filter,
        IEnumerable<string>? included = null) =>
        $"index {table} {name}{(unique ? " UNIQUE" : "")} ({string.Join(", ", columns)})" +
        (included?.Order(StringComparer.Ordinal).ToList() is { Count: > 0 } sorted ? $" INCLUDE ({string.Join(", ", sorted)})" : "") +
        (string.IsNullOrWhiteSpace(filter) ? "" : " WHERE " + NormalizeFilter(filter));

    /// <summary>Forgets an index defined earlier, so CREATE INDEX … WITH (DROP_EXISTING = ON) can state it anew.</summary>
    public void RemoveIndex(string table, string name)
    {
        var prefix = $"index {table} {name} ";
        var line = _lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"DROP_EXISTING of an index not defined before: {table} {name}");
        _lines.Remove(line);
    }

    public bool HasIndex(string table, string name) =>
        _lines.Any(l => l.StartsWith($"index {table} {name} ", StringComparison.Ordinal));

    /// <summary>Walks the EF model as the given provider maps it: every table, column, key and index.</summary>
    /// <param name="defaultSchema">the schema of tables the model leaves unqualified (dbo on SQL Server).</param>
    /// <param name="isIdentity">whether the provider generates the column's values (IDENTITY); null to leave it out.</param>
    /// <param name="namedPrimaryKeys">false where the database does not keep the primary key's name (SQLite).</param>
    /// <param name="included">the provider's INCLUDE (…) columns of an index; null where it has none.</param>
    public static SchemaShape FromEfModel(DbContextOptions<AppDbContext> options, string? defaultSchema,
        Func<IColumn, bool>? isIdentity, bool namedPrimaryKeys, Func<ITableIndex, IEnumerable<string>>? included = null)
    {
        using var db = new AppDbContext(options);
        var model = db.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var shape = new SchemaShape();
        foreach (var table in model.Tables)
        {
            var name = Table(table.Schema ?? defaultSchema, table.Name);
            shape.Add($"table {name}");
            foreach (var column in table.Columns)
            {
                shape.Add(Column(name, column.Name, column.StoreType, column.IsNullable, isIdentity?.Invoke(column) ?? false));
            }
            if (table.PrimaryKey is { } key)
            {
                shape.Add(PrimaryKey(name, namedPrimaryKeys ? key.Name : null, key.Columns.Select(c => c.Name)));
            }
            foreach (var unique in table.UniqueConstraints.Where(u => u != table.PrimaryKey))
            {
                shape.Add(UniqueConstraint(name, unique.Name, unique.Columns.Select(c => c.Name)));
            }
            foreach (var foreignKey in table.ForeignKeyConstraints)
            {
                shape.Add($"foreign key {name} {foreignKey.Name}");
            }
            foreach (var index in table.Indexes)
            {
                shape.Add(Index(name, index.Name, index.IsUnique, index.Columns.Select(c => c.Name), index.Filter, included?.Invoke(index)));
            }
        }
        return shape;
    }

    /// <summary>Lines in one shape and not the other, for an assertion message that names the drift.</summary>
    public static string Differences(SchemaShape expected, string expectedName, SchemaShape actual, string actualName)
    {
        var missing = expected.Lines.Except(actual.Lines).Select(l => $"  only in {expectedName}: {l}");
        var extra = actual.Lines.Except(expected.Lines).Select(l => $"  only in {actualName}: {l}");
        return string.Join("\n", missing.Concat(extra));
    }

    private static string NormalizeType(string storeType)
    {
        var type = string.Concat(storeType.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        return type == "datetime2(7)" ? "datetime2" : type; // 7 is datetime2's default precision
    }

    /// <summary>Same predicate, same text: no brackets or quotes, one space between tokens, upper case.</summary>
    public static string NormalizeFilter(string filter)
    {
        var tokens = Tokens(filter).Select(t => t.ToUpperInvariant()).ToList();
        while (tokens is ["(", .., ")"] && ClosingParen(tokens) == tokens.Count - 1)
        {
            tokens = tokens[1..^1];
        }
        return string.Join(" ", tokens);
    }

    /// <summary>
    /// The tokens of a SQL fragment as T-SQL's lexer (ScriptDom) reads them: comments and whitespace
    /// dropped, [bracketed] and "quoted" identifiers unquoted. SQLite's index DDL lexes the same way.
    /// </summary>
    public static List<string> Tokens(string sql)
    {
        using var reader = new StringReader(sql);
        var tokens = SqlServerScriptShape.NewParser().GetTokenStream(reader, out var errors);
        if (errors.Count > 0)
        {
            throw new FormatException($"The T-SQL lexer rejects '{sql}': " + string.Join("; ", errors.Select(e => e.Message)));
        }
        return tokens
            .Where(t => t.TokenType is not (TSqlTokenType.WhiteSpace or TSqlTokenType.SingleLineComment
                or TSqlTokenType.MultilineComment or TSqlTokenType.EndOfFile))
            .Select(t => t.TokenType == TSqlTokenType.QuotedIdentifier ? Identifier.DecodeIdentifier(t.Text, out _) : t.Text)
            .ToList();
    }

    /// <summary>Index of the ")" that closes the "(" the tokens start with.</summary>
    private static int ClosingParen(List<string> tokens)
    {
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            depth += tokens[i] == "(" ? 1 : tokens[i] == ")" ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }
        throw new FormatException("Unbalanced parentheses: " + string.Join(" ", tokens));
    }
}
