using System.Text;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using WxLogin.Web.Data;
using WxLogin.Web.Models;

namespace WxLogin.Tests.Data;

/// <summary>
/// database/sqlite/ against the EF model: the scripts build a fresh database, whose tables, columns,
/// declared types, nullability, keys and indexes must be the model's, and every mapped column must
/// take a value and give it back. Walks the model, so new columns are covered without editing this.
/// </summary>
public sealed class SqliteSchemaDriftTests
{
    [Test]
    public async Task Scripts_BuildExactlyTheSchemaOfTheEfModel()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        var options = new DbContextOptionsBuilder<AppDbContext>();
        database.Connections.ConfigureEf(options);

        var fromModel = SchemaShape.FromEfModel(options.Options, defaultSchema: null, isIdentity: null, namedPrimaryKeys: false);
        var fromDatabase = await ReadSchemaAsync(database);

        Assert.That(fromDatabase.Lines, Is.EqualTo(fromModel.Lines),
            "database/sqlite/ and the EF model disagree:\n" + SchemaShape.Differences(fromModel, "EF model", fromDatabase, "scripts"));
    }

    [Test]
    public async Task EveryMappedColumn_StoresAndReturnsItsValue_OnTheScriptedDatabase()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        var written = new List<(IEntityType Type, object Entity)>();
        await using (var db = database.OpenContext())
        {
            foreach (var entityType in db.Model.GetEntityTypes())
            {
                var entity = Activator.CreateInstance(entityType.ClrType)!;
                foreach (var property in entityType.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never))
                {
                    property.PropertyInfo!.SetValue(entity, SampleValue(property));
                }
                db.Add(entity);
                written.Add((entityType, entity));
            }
            await db.SaveChangesAsync();
        }

        await using var read = database.OpenContext();
        foreach (var (entityType, entity) in written)
        {
            var key = entityType.FindPrimaryKey()!.Properties.Select(p => p.PropertyInfo!.GetValue(entity)).ToArray();
            var stored = await read.FindAsync(entityType.ClrType, key);
            Assert.That(stored, Is.Not.Null, entityType.DisplayName());
            Assert.Multiple(() =>
            {
                foreach (var property in entityType.GetProperties())
                {
                    Assert.That(property.PropertyInfo!.GetValue(stored), Is.EqualTo(property.PropertyInfo.GetValue(entity)),
                        $"{entityType.DisplayName()}.{property.Name}");
                }
            });
        }
    }

    [Test]
    public async Task CheckTokenQuery_ReadsTheUserFromTheScriptedDatabase()
    {
        await using var database = await ScriptedSqliteDatabase.CreateAsync();
        var digest = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var expires = new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567);
        var user = new User
        {
            OpenId = "o-dapper",
            UnionId = "u-dapper",
            Nickname = "小明",
            AvatarUrl = "https://example.invalid/a.png",
            PhoneNumber = "13900001111",
            TokenDigest = digest,
            TokenExpiresAt = expires,
            CreatedAt = expires.AddDays(-7),
            UpdatedAt = expires.AddDays(-1),
        };
        await using (var db = database.OpenContext())
        {
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }

        var found = await database.TokenQuery().FindByTokenDigestAsync(digest, CancellationToken.None);

        Assert.That(found, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(found!.Id, Is.EqualTo(user.Id));
            Assert.That(found.OpenId, Is.EqualTo(user.OpenId));
            Assert.That(found.UnionId, Is.EqualTo(user.UnionId));
            Assert.That(found.Nickname, Is.EqualTo(user.Nickname));
            Assert.That(found.AvatarUrl, Is.EqualTo(user.AvatarUrl));
            Assert.That(found.PhoneNumber, Is.EqualTo(user.PhoneNumber));
            Assert.That(found.TokenExpiresAt, Is.EqualTo(expires));
            Assert.That(found.TokenExpiresAt!.Value.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(found.CreatedAt, Is.EqualTo(user.CreatedAt));
            Assert.That(found.UpdatedAt, Is.EqualTo(user.UpdatedAt));
        });
    }

    /// <summary>A value unlike any default, as long as the column allows, for the property's type.</summary>
    private static object SampleValue(IProperty property)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        var length = property.GetMaxLength() ?? 40;
        return type switch
        {
            _ when type == typeof(string) => string.Concat(Enumerable.Repeat("微信", length))[..length],
            _ when type == typeof(byte[]) => Enumerable.Range(0, length).Select(i => (byte)(255 - i)).ToArray(),
            _ when type == typeof(DateTime) => new DateTime(2031, 2, 3, 4, 5, 6, DateTimeKind.Utc).AddTicks(7654321),
            _ when type == typeof(DateTimeOffset) => new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.FromHours(8)),
            _ when type == typeof(bool) => true,
            _ when type == typeof(int) => 1_234_567,
            _ when type == typeof(long) => 9_876_543_210L,
            _ when type == typeof(short) => (short)12_345,
            _ when type == typeof(decimal) => 12_345.67m,
            _ when type == typeof(double) => 0.125,
            _ when type == typeof(Guid) => Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            _ when type.IsEnum => Enum.GetValues(type).Cast<object>().Last(),
            _ => throw new NotSupportedException($"Add a sample value for {type} ({property.DeclaringType.DisplayName()}.{property.Name})."),
        };
    }

    private static async Task<SchemaShape> ReadSchemaAsync(ScriptedSqliteDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        var shape = new SchemaShape();
        var tables = await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'SchemaVersions'");
        foreach (var table in tables)
        {
            shape.Add($"table {table}");
            var columns = (await connection.QueryAsync<(long Cid, string Name, string Type, long NotNull, string? Default, long Pk)>(
                $"SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')")).ToList();
            foreach (var column in columns)
            {
                shape.Add(SchemaShape.Column(table, column.Name, column.Type, nullable: column.NotNull == 0));
            }
            shape.Add(SchemaShape.PrimaryKey(table, null, columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name)));

            var indexes = await connection.QueryAsync<(string Name, long Unique, string Origin)>(
                $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}') WHERE origin <> 'pk'");
            foreach (var index in indexes)
            {
                var indexColumns = await connection.QueryAsync<string>(
                    "SELECT name FROM pragma_index_info(@index) ORDER BY seqno", new { index = index.Name });
                var sql = await connection.ExecuteScalarAsync<string?>(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = @index", new { index = index.Name });
                shape.Add(index.Origin == "u"
                    ? SchemaShape.UniqueConstraint(table, index.Name, indexColumns)
                    : SchemaShape.Index(table, index.Name, index.Unique == 1, indexColumns, FilterOf(sql)));
            }
        }
        return shape;
    }

    /// <summary>The WHERE of a partial index, as written in its CREATE INDEX.</summary>
    private static string? FilterOf(string? createIndexSql)
    {
        var tokens = SchemaShape.Tokens(createIndexSql ?? "");
        var where = tokens.FindIndex(t => t.Equals("WHERE", StringComparison.OrdinalIgnoreCase));
        return where < 0 ? null : string.Join(" ", tokens.Skip(where + 1));
    }
}
