using System.Data.Common;

namespace WxLogin.Web.Data.PostgreSql;

/// <summary>
/// transaction_read_only is on in a read-only database (default_transaction_read_only) and on a hot
/// standby; asking it writes nothing.
/// </summary>
public sealed class PostgreSqlWriteProbe : WriteProbe
{
    public override async Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('transaction_read_only') = 'on', pg_is_in_recovery()";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(1) ? "the server is a read-only standby (pg_is_in_recovery)"
            : reader.GetBoolean(0) ? "the database is read-only (default_transaction_read_only)"
            : null;
    }
}
