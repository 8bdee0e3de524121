using System.Text;

namespace WxLogin.Tests.Data;

internal enum SqlTokenKind
{
    Word,       // keyword or bare identifier
    Identifier, // [bracketed] or "quoted"
    String,     // 'text' or N'text', unescaped
    Number,
    Symbol,
}

/// <summary>One token; Text is the identifier or string without its quotes.</summary>
internal sealed record SqlToken(SqlTokenKind Kind, string Text)
{
    public bool Is(string word) => Kind == SqlTokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase)
        || Kind == SqlTokenKind.Symbol && Text == word;

    public bool IsName => Kind is SqlTokenKind.Word or SqlTokenKind.Identifier;
}

/// <summary>A tokenizer for the T-SQL (and SQLite) DDL in database/: comments dropped, quotes removed.</summary>
internal static class SqlTokens
{
    public static List<SqlToken> Read(string sql)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '\'' || (c is 'N' or 'n' && At(sql, i + 1) == '\''))
            {
                i = Quoted(sql, c == '\'' ? i : i + 1, '\'', SqlTokenKind.String, tokens);
            }
            else if (c == '[')
            {
                i = Quoted(sql, i, ']', SqlTokenKind.Identifier, tokens);
            }
            else if (c == '"')
            {
                i = Quoted(sql, i, '"', SqlTokenKind.Identifier, tokens);
            }
            else if (char.IsLetter(c) || c is '_' or '@' or '#')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '@' or '#' or '$')) i++;
                tokens.Add(new SqlToken(SqlTokenKind.Word, sql[start..i]));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsDigit(sql[i]) || sql[i] == '.')) i++;
                tokens.Add(new SqlToken(SqlTokenKind.Number, sql[start..i]));
            }
            else
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString()));
                i++;
            }
        }
        return tokens;
    }

    /// <summary>Index of the ")" that closes the "(" at <paramref name="open"/>.</summary>
    public static int ClosingParen(IReadOnlyList<string> tokens, int open)
    {
        var depth = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            depth += tokens[i] == "(" ? 1 : tokens[i] == ")" ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }
        throw new FormatException("Unbalanced parentheses.");
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static int Quoted(string sql, int open, char close, SqlTokenKind kind, List<SqlToken> tokens)
    {
        var text = new StringBuilder();
        var i = open + 1;
        while (true)
        {
            if (i >= sql.Length)
            {
                throw new FormatException($"Unterminated {sql[open]}…{close} at {open}.");
            }
            if (sql[i] == close)
            {
                if (At(sql, i + 1) != close)
                {
                    break;
                }
                i++; // doubled quote stands for itself
            }
            text.Append(sql[i++]);
        }
        tokens.Add(new SqlToken(kind, text.ToString()));
        return i + 1;
    }
}
