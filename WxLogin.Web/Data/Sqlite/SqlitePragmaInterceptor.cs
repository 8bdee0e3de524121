using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>Runs one PRAGMA on every connection EF opens (pragmas last for the connection, not the file).</summary>
public abstract class SqlitePragmaInterceptor(string sql) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
