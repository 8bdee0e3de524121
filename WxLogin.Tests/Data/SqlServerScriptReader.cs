using WxLogin.Web.Data;

namespace WxLogin.Tests.Data;

/// <summary>
/// Reads the schema that SQL Server scripts declare, without a server: CREATE TABLE, ALTER TABLE … ADD,
/// ALTER TABLE … ALTER COLUMN and CREATE INDEX, wherever they stand (IF guards are read through, EXEC(N'…') is read inside).
/// A statement that would change the schema in a way this reader does not follow (DROP,
/// sp_rename, foreign keys, …) throws, so the drift test fails loudly instead of passing blind: extend
/// the reader then. DEFAULT, CHECK, COLLATE and INCLUDE are skipped: the EF model does not rely on them.
/// </summary>
internal sealed class SqlServerScriptReader
{
    private const string DefaultSchema = "dbo";

    // Words that start a statement; T-SQL lets a statement end without ";".
    private static readonly HashSet<string> StatementStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        "IF", "ELSE", "BEGIN", "END", "CREATE", "ALTER", "DROP", "EXEC", "EXECUTE", "INSERT", "UPDATE",
        "DELETE", "DECLARE", "SET", "PRINT", "SELECT", "WHILE", "RETURN", "THROW", "GO",
    };

    private readonly SchemaShape _shape = new();
    private List<SqlToken> _tokens = [];
    private int _at;

    public static SchemaShape Read(IEnumerable<string> scripts)
    {
        var reader = new SqlServerScriptReader();
        var dialect = new SqlServerDialect("Server=unused");
        foreach (var batch in scripts.SelectMany(dialect.SplitBatches))
        {
            reader.ReadBatch(batch);
        }
        return reader._shape;
    }

    private void ReadBatch(string sql)
    {
        var (outerTokens, outerAt) = (_tokens, _at);
        (_tokens, _at) = (SqlTokens.Read(sql), 0);
        while (_at < _tokens.Count)
        {
            if (Accept("CREATE"))
            {
                CreateStatement();
            }
            else if (Accept("ALTER"))
            {
                AlterStatement();
            }
            else if (Peek.Is("DROP"))
            {
                throw Unsupported("DROP");
            }
            else if (Accept("EXEC") || Accept("EXECUTE"))
            {
                ExecStatement();
            }
            else
            {
                _at++;
            }
        }
        (_tokens, _at) = (outerTokens, outerAt);
    }

    private void CreateStatement()
    {
        if (Accept("TABLE"))
        {
            CreateTable();
            return;
        }
        var unique = Accept("UNIQUE");
        _ = Accept("CLUSTERED") || Accept("NONCLUSTERED");
        if (!Accept("INDEX"))
        {
            throw Unsupported($"CREATE {Peek.Text}");
        }
        CreateIndex(unique);
    }

    private void CreateTable()
    {
        var table = TableName();
        _shape.Add($"table {table}");
        Expect("(");
        do
        {
            TableElement(table);
        }
        while (Accept(","));
        Expect(")");
    }

    private void AlterStatement()
    {
        if (!Accept("TABLE"))
        {
            throw Unsupported($"ALTER {Peek.Text}");
        }
        var table = TableName();
        if (Accept("ALTER"))
        {
            // ALTER COLUMN restates the whole column: its new definition replaces the old one.
            Expect("COLUMN");
            var start = _at;
            _shape.RemoveColumn(table, Name());
            _at = start;
            ColumnDefinition(table);
            return;
        }
        if (!Accept("ADD"))
        {
            throw Unsupported($"ALTER TABLE {table} {Peek.Text}");
        }
        do
        {
            TableElement(table);
        }
        while (Accept(","));
    }

    /// <summary>A column definition or a table constraint, up to the next "," or ")" or statement.</summary>
    private void TableElement(string table)
    {
        string? constraintName = null;
        if (Accept("CONSTRAINT"))
        {
            constraintName = Name();
        }
        if (Accept("PRIMARY"))
        {
            Expect("KEY");
            _ = Accept("CLUSTERED") || Accept("NONCLUSTERED");
            _shape.Add(SchemaShape.PrimaryKey(table, constraintName, ColumnList()));
            return;
        }
        if (Accept("UNIQUE"))
        {
            _ = Accept("CLUSTERED") || Accept("NONCLUSTERED");
            _shape.Add(SchemaShape.UniqueConstraint(table, constraintName ?? "(unnamed)", ColumnList()));
            return;
        }
        if (Accept("CHECK"))
        {
            SkipGroup();
            return;
        }
        if (constraintName is not null || Peek.Is("FOREIGN") || Peek.Is("INDEX"))
        {
            throw Unsupported($"table constraint {Peek.Text} on {table}");
        }
        ColumnDefinition(table);
    }

    private void ColumnDefinition(string table)
    {
        var column = Name();
        var type = Name();
        if (Peek.Is("("))
        {
            type += "(" + string.Join(",", GroupTokens().Select(t => t.Text)) + ")";
        }
        bool? nullable = null;
        var identity = false;
        string? constraintName = null;
        while (_at < _tokens.Count && !Peek.Is(",") && !Peek.Is(")") && !Peek.Is(";") && !IsStatementStart(Peek))
        {
            if (Accept("NOT"))
            {
                Expect("NULL");
                nullable = false;
            }
            else if (Accept("NULL"))
            {
                nullable = true;
            }
            else if (Accept("IDENTITY"))
            {
                identity = true;
                if (Peek.Is("("))
                {
                    SkipGroup();
                }
            }
            else if (Accept("CONSTRAINT"))
            {
                constraintName = Name();
            }
            else if (Accept("PRIMARY"))
            {
                Expect("KEY");
                _ = Accept("CLUSTERED") || Accept("NONCLUSTERED");
                _shape.Add(SchemaShape.PrimaryKey(table, constraintName, [column]));
                nullable ??= false;
            }
            else if (Accept("UNIQUE"))
            {
                _shape.Add(SchemaShape.UniqueConstraint(table, constraintName ?? "(unnamed)", [column]));
            }
            else if (Accept("DEFAULT"))
            {
                SkipExpression();
            }
            else if (Accept("CHECK"))
            {
                SkipGroup();
            }
            else if (Accept("COLLATE"))
            {
                Name();
            }
            else if (Peek.Is("REFERENCES") || Peek.Is("FOREIGN") || Peek.Is("AS"))
            {
                throw Unsupported($"{Peek.Text} on column {table}.{column}");
            }
            else
            {
                _at++; // SPARSE, ROWGUIDCOL and the like do not change what EF sees
            }
        }
        // Without NULL or NOT NULL SQL Server makes a column nullable, except identity and key columns.
        _shape.Add(SchemaShape.Column(table, column, type, nullable ?? !identity, identity));
    }

    private void CreateIndex(bool unique)
    {
        var name = Name();
        Expect("ON");
        var table = TableName();
        var columns = ColumnList();
        if (Accept("INCLUDE"))
        {
            SkipGroup();
        }
        string? filter = null;
        if (Accept("WHERE"))
        {
            var start = _at;
            while (_at < _tokens.Count && !Peek.Is(";") && !Peek.Is("WITH") && !Peek.Is("ON") && !IsStatementStart(Peek))
            {
                _at++;
            }
            filter = string.Join(" ", _tokens[start.._at].Select(t => t.Text));
        }
        _shape.Add(SchemaShape.Index(table, name, unique, columns, filter));
    }

    /// <summary>EXEC(N'…') and EXEC sp_executesql N'…' run DDL from a string: read inside it.</summary>
    private void ExecStatement()
    {
        if (Peek.Is("(") && _tokens[_at + 1].Kind == SqlTokenKind.String && _tokens[_at + 2].Is(")"))
        {
            ReadBatch(_tokens[_at + 1].Text);
            _at += 3;
        }
        else if (Accept("sp_executesql") && Peek.Kind == SqlTokenKind.String)
        {
            ReadBatch(_tokens[_at++].Text);
        }
        else if (Peek.Text.StartsWith('@') || Peek.Is("sp_getapplock") || Peek.Is("sp_releaseapplock"))
        {
            _at++; // EXEC @result = sp_getapplock …: no schema change
        }
        else
        {
            throw Unsupported($"EXEC {Peek.Text}");
        }
    }

    private List<string> ColumnList()
    {
        var names = new List<string>();
        Expect("(");
        do
        {
            names.Add(Name());
            _ = Accept("ASC") || Accept("DESC");
        }
        while (Accept(","));
        Expect(")");
        return names;
    }

    /// <summary>[schema.]table with the schema defaulting to dbo, as SQL Server resolves it.</summary>
    private string TableName()
    {
        var parts = new List<string> { Name() };
        while (Accept("."))
        {
            parts.Add(Name());
        }
        return parts.Count == 1 ? SchemaShape.Table(DefaultSchema, parts[0]) : SchemaShape.Table(parts[^2], parts[^1]);
    }

    private string Name()
    {
        var token = Peek;
        if (!token.IsName)
        {
            throw new FormatException($"Expected a name, found '{token.Text}' near: {Context()}");
        }
        _at++;
        return token.Text;
    }

    private void SkipExpression()
    {
        if (Accept("-") || Accept("+"))
        {
            _at++;
        }
        else if (Peek.Is("("))
        {
            SkipGroup();
        }
        else
        {
            _at++;
            if (Peek.Is("("))
            {
                SkipGroup(); // a function call such as getutcdate()
            }
        }
    }

    private void SkipGroup() => GroupTokens();

    /// <summary>The tokens between "(" and its ")", which are consumed.</summary>
    private List<SqlToken> GroupTokens()
    {
        var close = SqlTokens.ClosingParen(_tokens.Select(t => t.Kind == SqlTokenKind.Symbol ? t.Text : "").ToList(), _at);
        var inner = _tokens[(_at + 1)..close];
        _at = close + 1;
        return inner;
    }

    private SqlToken Peek => _at < _tokens.Count ? _tokens[_at] : new SqlToken(SqlTokenKind.Symbol, "<end of batch>");

    private static bool IsStatementStart(SqlToken token) => token.Kind == SqlTokenKind.Word && StatementStarts.Contains(token.Text);

    private bool Accept(string word)
    {
        if (_at < _tokens.Count && _tokens[_at].Is(word))
        {
            _at++;
            return true;
        }
        return false;
    }

    private void Expect(string word)
    {
        if (!Accept(word))
        {
            throw new FormatException($"Expected '{word}', found '{Peek.Text}' near: {Context()}");
        }
    }

    private string Context() => string.Join(" ", _tokens.Skip(Math.Max(0, _at - 6)).Take(12).Select(t => t.Text));

    private NotSupportedException Unsupported(string what) => new(
        $"The SQL Server drift test does not follow '{what}' (near: {Context()}). Extend SqlServerScriptReader " +
        "so the comparison with the EF model stays complete.");
}
