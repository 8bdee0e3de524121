using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// BEGIN IMMEDIATE takes the write lock without writing; a read-only file refuses it. Busy means
/// another connection is writing right now, so the file is writable. A file SQLite could open only
/// read-only (a read-only file or mount) says so at once. On a fault every pooled connection is
/// dropped, so none opened in the bad state outlives its repair.
/// </summary>
public sealed class SqliteWriteProbe(SqliteFaults faults, SqliteConnections connections) : WriteProbe
{
    public override async Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var fault = await FindFaultAsync((SqliteConnection)connection, cancellationToken);
        if (fault is not null)
        {
            connections.Reset();
        }
        return fault;
    }

    private async Task<string?> FindFaultAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
        {
            return faults.Describe(new SqliteException("read-only", SqliteFaults.ReadOnly));
        }
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
