using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// PRAGMA secure_delete=ON on every connection EF opens to SQLite. SQLite otherwise leaves deleted rows
/// and the old versions of updated rows in free space inside the file, readable by anyone with a copy.
/// It has to cover every write, not just the DELETE: a row that grew (a phone number bound) left its
/// older copy, openid included, in a free block of the page. The cost is writing zeros over freed space.
/// The login writer sets the same pragma on its own connection (SqliteLoginStore).
/// </summary>
public sealed class SqliteSecureDelete : DbConnectionInterceptor
{
    public static readonly SqliteSecureDelete Instance = new();

    private const string Sql = "PRAGMA secure_delete=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
