using System.Net.Sockets;
using Npgsql;

namespace WxLogin.Web.Data.PostgreSql;

/// <summary>PostgreSQL's SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html) and Npgsql's network errors in words.</summary>
public sealed class PostgreSqlFaults(PostgreSqlConnections connections) : StorageFaults
{
    private const string UniqueViolation = "23505";

    public override string? Describe(Exception exception)
    {
        if (Find<PostgresException>(exception) is { } postgres)
        {
            return postgres.SqlState switch
            {
                "53100" => "the database server's disk is full (53100 disk_full)",
                "53200" => "the database server is out of memory (53200)",
                "53300" => "the database server has no free connection slot (53300 too_many_connections)",
                "25006" => "the database is read-only (25006 read_only_sql_transaction)",
                "57P01" or "57P02" or "57P03" => $"the database server is shutting down or starting up ({postgres.SqlState})",
                "40P01" => "the transaction was chosen as a deadlock victim (40P01)",
                "55P03" => "the statement timed out waiting for a lock (55P03)",
                "57014" => "the statement was cancelled or timed out (57014)",
                "3D000" => "the database does not exist (3D000)",
                "28000" or "28P01" => $"the database server refused these credentials ({postgres.SqlState})",
                var state when state.StartsWith("08", StringComparison.Ordinal) => $"the connection to the database server failed ({state})",
                _ => null,
            };
        }
        return Find<NpgsqlException>(exception) switch
        {
            { InnerException: TimeoutException } => "the database server did not answer in time (timeout)",
            { InnerException: SocketException socket } => $"the database server cannot be reached ({socket.SocketErrorCode})",
            { IsTransient: true } npgsql => $"the connection to the database server failed ({npgsql.Message})",
            _ => null,
        };
    }

    public override bool IsLockTimeout(Exception exception) =>
        Find<PostgresException>(exception) is { SqlState: "40P01" or "55P03" or "57014" };

    public override bool IsUniqueViolation(Exception exception) =>
        Find<PostgresException>(exception) is { SqlState: UniqueViolation };

    // Only when the server went away (restart, network): then every idle pooled connection is dead too,
    // and each would fail one request before Npgsql noticed. Other faults keep the pool.
    public override void AfterFault(Exception exception)
    {
        var lostConnection = Find<PostgresException>(exception) is { } postgres
            ? postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            : Find<NpgsqlException>(exception) is { IsTransient: true };
        if (lostConnection)
        {
            connections.ClearPool();
        }
    }
}
