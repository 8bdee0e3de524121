namespace WxLogin.Tests.Infrastructure;

/// <summary>The Users table read straight from the test's database, around the app (quoted names serve every provider).</summary>
public static class UsersTable
{
    /// <summary>Every row, every column, as text: two snapshots are equal only when nothing changed.</summary>
    public static async Task<List<string>> SnapshotAsync(this WxLoginFactory factory)
    {
        await using var connection = await factory.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT * FROM "Users" ORDER BY "Id" """;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i)
                ? $"{reader.GetName(i)}=NULL"
                : $"{reader.GetName(i)}={(reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : reader.GetValue(i))}")));
        }
        return rows;
    }

    /// <summary>Whether the user with this openid exists, and its columns (null for NULL).</summary>
    public static async Task<(bool Exists, Dictionary<string, object?> Columns)> UserAsync(this WxLoginFactory factory, string openId)
    {
        await using var connection = await factory.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT * FROM "Users" WHERE "OpenId" = @openId""";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@openId";
        parameter.Value = openId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return (false, []);
        }
        return (true, Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
    }
}
