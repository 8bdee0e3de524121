using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// BEGIN IMMEDIATE takes the write lock without writing; a read-only file refuses it. Busy means
/// another connection is writing right now, so the file is writable.
/// </summary>
public sealed class SqliteWriteProbe(SqliteFaults faults) : WriteProbe
{
    public override async Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(cancellationToken);
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        catch (SqliteException ex) when (faults.IsLockTimeout(ex))
        {
            return null;
        }
        catch (SqliteException ex)
        {
            return faults.Describe(ex) ?? ex.Message;
        }
    }
}
