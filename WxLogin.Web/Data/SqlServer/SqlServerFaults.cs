using System.Net.Sockets;
using Microsoft.Data.SqlClient;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>SqlException numbers in words for the log.</summary>
public sealed class SqlServerFaults : StorageFaults
{
    // Severity 20 and above ends the connection (SqlClient's TdsEnums.FATAL_ERROR_CLASS).
    private const byte FatalClass = 20;

    // 2601: duplicate key in a unique index; 2627: violation of a unique or primary key constraint.
    private static readonly int[] UniqueViolationNumbers = [2601, 2627];

    public override bool IsUniqueViolation(Exception exception) =>
        Find<SqlException>(exception) is { } sql && UniqueViolationNumbers.Contains(sql.Number);

    public override string? Describe(Exception exception) =>
        Find<SqlException>(exception) is not { } sql || WasCancelled(sql) ? null : sql.Number switch
        {
            -2 or 1222 => "the statement timed out waiting for a lock or the server (timeout)",
            1205 => "the transaction was chosen as a deadlock victim (1205)",
            1105 or 9002 => $"the database or its log is full ({sql.Number})",
            3906 => "the database is read-only (3906)",
            4060 or 18456 => $"the database cannot be opened with these credentials ({sql.Number})",
            40501 or 40613 or 49918 or 49919 or 49920 => $"the database service is busy or unavailable ({sql.Number})",
            // Transport-level failures: the server cannot be reached or dropped the connection (258: the connect timed out).
            -1 or 2 or 53 or 64 or 121 or 233 or 258 or 10053 or 10054 or 10060 or 10061 or 11001 =>
                $"the database server cannot be reached ({sql.Number})",
            _ when IsNetworkFailure(sql) => $"the database server cannot be reached (SqlClient error {sql.Number})",
            _ => null,
        };

    /// <summary>
    /// SqlClient's own network errors often carry no server number (0): "TCP Provider, error: 35" for a
    /// refused connection. They are fatal (class 20) and come with no server number or before any
    /// connection existed, or wrap the socket's error.
    /// </summary>
    private static bool IsNetworkFailure(SqlException sql) =>
        (sql.Class >= FatalClass && (sql.Number == 0 || sql.ClientConnectionId == Guid.Empty)) || Find<SocketException>(sql) is not null;

    /// <summary>
    /// A command the request's token cancelled is no fault of the storage, though SqlClient may report it
    /// as "A severe error occurred" (0, class 20) followed by "Operation cancelled by user" (0, class 11):
    /// a number-0 error below class 20 says so.
    /// </summary>
    private static bool WasCancelled(SqlException sql) =>
        sql.Errors.Cast<SqlError>().Any(error => error.Number == 0 && error.Class < FatalClass);

    public override bool IsLockTimeout(Exception exception) =>
        Find<SqlException>(exception) is { Number: -2 or 1222 or 1205 };
}
