using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>
/// The schema that SQL Server scripts declare, read with Microsoft's T-SQL parser (ScriptDom), no server:
/// CREATE TABLE, ALTER TABLE … ADD, ALTER TABLE … ALTER COLUMN (a new type and nullability) and CREATE INDEX, also under IF guards, in BEGIN … END and inside
/// EXEC(N'…') / sp_executesql strings; GO batches are the parser's. A script the parser rejects throws
/// with its messages. A statement that could change the schema in a way this walker does not follow
/// (DROP, sp_rename, foreign keys, ALTER COLUMN other than a new type and nullability, …) throws NotSupportedException, so the drift test fails
/// loudly instead of passing blind: extend the walker then. An index's INCLUDE columns are read, and
/// CREATE INDEX … WITH (DROP_EXISTING = ON) replaces the index. DEFAULT, CHECK and COLLATE are skipped:
/// the EF model does not rely on them.
/// </summary>
internal sealed class SqlServerScriptShape
{
    private const string DefaultSchema = "dbo";

    private readonly SchemaShape _shape = new();

    private SqlServerScriptShape()
    {
    }

    /// <summary>
    /// The T-SQL grammar the scripts must parse under: SQL Server 2019's, the oldest server we support
    /// (Database:SqlServerCompatibilityLevel defaults to 150, see docs/database.md).
    /// </summary>
    public static TSqlParser NewParser() => new TSql150Parser(initialQuotedIdentifiers: true);

    public static SchemaShape Read(IEnumerable<string> scripts) =>
        Read(scripts.Select((sql, i) => (Name: $"script {i + 1}", Sql: sql)));

    public static SchemaShape Read(IEnumerable<(string Name, string Sql)> scripts)
    {
        var reader = new SqlServerScriptShape();
        foreach (var (name, sql) in scripts)
        {
            reader.Script(name, sql);
        }
        return reader._shape;
    }

    private void Script(string name, string sql)
    {
        var script = (TSqlScript)Parse(name, sql);
        foreach (var statement in script.Batches.SelectMany(b => b.Statements))
        {
            Statement(name, statement);
        }
    }

    private static TSqlFragment Parse(string name, string sql)
    {
        using var reader = new StringReader(sql);
        var fragment = NewParser().Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            throw new FormatException($"The T-SQL parser rejects {name}:\n" + string.Join("\n",
                errors.Select(e => $"  line {e.Line}, column {e.Column}: {e.Message}")));
        }
        return fragment;
    }

    private void Statement(string script, TSqlStatement statement)
    {
        switch (statement)
        {
            case CreateTableStatement create:
                var table = TableName(create.SchemaObjectName);
                _shape.Add($"table {table}");
                TableElements(script, table, create.Definition);
                break;
            case AlterTableAddTableElementStatement alter:
                TableElements(script, TableName(alter.SchemaObjectName), alter.Definition);
                break;
            case AlterTableAlterColumnStatement alter when alter.DataType is not null:
                AlterColumn(script, alter);
                break;
            case CreateIndexStatement index:
                CreateIndex(script, index);
                break;
            case IfStatement guarded:
                Statement(script, guarded.ThenStatement);
                if (guarded.ElseStatement is { } otherwise)
                {
                    Statement(script, otherwise);
                }
                break;
            case BeginEndBlockStatement block:
                foreach (var inner in block.StatementList.Statements)
                {
                    Statement(script, inner);
                }
                break;
            case ExecuteStatement execute:
                Execute(script, execute);
                break;
            case SelectStatement { Into: null }:
            case PrintStatement or DeclareVariableStatement or SetVariableStatement or PredicateSetStatement:
            case ThrowStatement or RaiseErrorStatement or ReturnStatement:
                break; // reads, messages and session settings: no schema change
            default:
                throw Unsupported(script, statement);
        }
    }

    private void TableElements(string script, string table, TableDefinition definition)
    {
        foreach (var column in definition.ColumnDefinitions)
        {
            Column(script, table, column);
        }
        foreach (var constraint in definition.TableConstraints)
        {
            switch (constraint)
            {
                case UniqueConstraintDefinition key:
                    Key(table, key, key.Columns.Select(ColumnName));
                    break;
                case CheckConstraintDefinition or DefaultConstraintDefinition:
                    break;
                default:
                    throw Unsupported(script, constraint);
            }
        }
        foreach (var index in definition.Indexes)
        {
            _shape.Add(SchemaShape.Index(table, index.Name.Value, index.Unique, index.Columns.Select(ColumnName),
                SourceText(index.FilterPredicate)));
        }
        if (definition.SystemTimePeriod is { } period)
        {
            throw Unsupported(script, period);
        }
    }

    private void Column(string script, string table, ColumnDefinition column)
    {
        if (column.ComputedColumnExpression is not null || column.Index is not null || column.GeneratedAlways is not null)
        {
            throw Unsupported(script, column);
        }
        var name = column.ColumnIdentifier.Value;
        var identity = column.IdentityOptions is not null;
        bool? nullable = null;
        foreach (var constraint in column.Constraints)
        {
            switch (constraint)
            {
                case NullableConstraintDefinition nullability:
                    nullable = nullability.Nullable;
                    break;
                case UniqueConstraintDefinition key:
                    Key(table, key, [name]);
                    if (key.IsPrimaryKey)
                    {
                        nullable ??= false;
                    }
                    break;
                case CheckConstraintDefinition or DefaultConstraintDefinition:
                    break;
                default:
                    throw Unsupported(script, constraint);
            }
        }
        // Without NULL or NOT NULL SQL Server makes a column nullable, except identity and key columns.
        _shape.Add(SchemaShape.Column(table, name, TypeName(column.DataType), nullable ?? !identity, identity));
    }

    /// <summary>
    /// ALTER COLUMN c type [NULL | NOT NULL] restates the column: without NULL or NOT NULL it becomes
    /// nullable (SQL Server's default under ANSI_NULL_DFLT_ON); identity cannot change this way and is kept.
    /// </summary>
    private void AlterColumn(string script, AlterTableAlterColumnStatement alter)
    {
        bool nullable = alter.AlterTableAlterColumnOption switch
        {
            AlterTableAlterColumnOption.NoOptionDefined or AlterTableAlterColumnOption.Null => true,
            AlterTableAlterColumnOption.NotNull => false,
            _ => throw Unsupported(script, alter),
        };
        var table = TableName(alter.SchemaObjectName);
        var name = alter.ColumnIdentifier.Value;
        var identity = _shape.RemoveColumn(table, name).EndsWith(" IDENTITY", StringComparison.Ordinal);
        _shape.Add(SchemaShape.Column(table, name, TypeName(alter.DataType), nullable, identity));
    }

    /// <summary>WITH (DROP_EXISTING = ON) replaces the index of that name; without it the name must be new.</summary>
    private void CreateIndex(string script, CreateIndexStatement index)
    {
        var table = TableName(index.OnName);
        var name = index.Name.Value;
        if (index.IndexOptions.Any(o => o is IndexStateOption { OptionKind: IndexOptionKind.DropExisting, OptionState: OptionState.On }))
        {
            _shape.RemoveIndex(table, name);
        }
        else if (_shape.HasIndex(table, name))
        {
            throw new InvalidOperationException($"{script} creates index {name} on {table} a second time (line {index.StartLine}).");
        }
        _shape.Add(SchemaShape.Index(table, name, index.Unique, index.Columns.Select(ColumnName), SourceText(index.FilterPredicate),
            index.IncludeColumns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value)));
    }

    private void Key(string table, UniqueConstraintDefinition key, IEnumerable<string> columns)
    {
        var name = key.ConstraintIdentifier?.Value;
        _shape.Add(key.IsPrimaryKey
            ? SchemaShape.PrimaryKey(table, name, columns)
            : SchemaShape.UniqueConstraint(table, name ?? "(unnamed)", columns));
    }

    /// <summary>EXEC(N'…') and EXEC sp_executesql N'…' run DDL from a string: read inside it.</summary>
    private void Execute(string script, ExecuteStatement execute)
    {
        switch (execute.ExecuteSpecification.ExecutableEntity)
        {
            case ExecutableStringList { Strings: [StringLiteral literal] }:
                Script($"{script} (EXEC string at line {execute.StartLine})", literal.Value);
                break;
            case ExecutableProcedureReference { ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value: var procedure } call
                when procedure.Equals("sp_executesql", StringComparison.OrdinalIgnoreCase)
                    && call.Parameters is [{ ParameterValue: StringLiteral literal }, ..]:
                Script($"{script} (sp_executesql at line {execute.StartLine})", literal.Value);
                break;
            case ExecutableProcedureReference { ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value: var procedure }
                when procedure.Equals("sp_getapplock", StringComparison.OrdinalIgnoreCase)
                    || procedure.Equals("sp_releaseapplock", StringComparison.OrdinalIgnoreCase):
                break;
            default:
                throw Unsupported(script, execute);
        }
    }

    /// <summary>[schema.]table with the schema defaulting to dbo, as SQL Server resolves it.</summary>
    private static string TableName(SchemaObjectName name) =>
        SchemaShape.Table(name.SchemaIdentifier?.Value ?? DefaultSchema, name.BaseIdentifier.Value);

    private static string ColumnName(ColumnWithSortOrder column) => column.Column.MultiPartIdentifier.Identifiers[^1].Value;

    private static string TypeName(DataTypeReference type) => type switch
    {
        ParameterizedDataTypeReference { Parameters.Count: > 0 } sized =>
            $"{sized.Name.BaseIdentifier.Value}({string.Join(",", sized.Parameters.Select(p => p.Value))})",
        _ => type.Name.BaseIdentifier.Value,
    };

    /// <summary>The fragment as written in the script, or null.</summary>
    private static string? SourceText(TSqlFragment? fragment) => fragment is null
        ? null
        : string.Concat(fragment.ScriptTokenStream.Skip(fragment.FirstTokenIndex)
            .Take(fragment.LastTokenIndex - fragment.FirstTokenIndex + 1).Select(t => t.Text));

    private static NotSupportedException Unsupported(string script, TSqlFragment fragment) => new(
        $"The SQL Server drift test does not follow '{SourceText(fragment)}' ({script}, line {fragment.StartLine}, " +
        $"a {fragment.GetType().Name}). Extend SqlServerScriptShape so the comparison with the EF model stays complete.");
}
