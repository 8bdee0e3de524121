using Microsoft.Data.SqlClient;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>SqlException numbers in words for the log.</summary>
public sealed class SqlServerFaults : StorageFaults
{
    // 2601: duplicate key in a unique index; 2627: violation of a unique or primary key constraint.
    private static readonly int[] UniqueViolationNumbers = [2601, 2627];

    public override bool IsUniqueViolation(Exception exception) =>
        Find<SqlException>(exception) is { } sql && UniqueViolationNumbers.Contains(sql.Number);

    public override string? Describe(Exception exception) =>
        Find<SqlException>(exception) is not { } sql ? null : sql.Number switch
        {
            -2 or 1222 => "the statement timed out waiting for a lock or the server (timeout)",
            1205 => "the transaction was chosen as a deadlock victim (1205)",
            1105 or 9002 => $"the database or its log is full ({sql.Number})",
            3906 => "the database is read-only (3906)",
            4060 or 18456 => $"the database cannot be opened with these credentials ({sql.Number})",
            40501 or 40613 or 49918 or 49919 or 49920 => $"the database service is busy or unavailable ({sql.Number})",
            // Transport-level failures: the server cannot be reached or dropped the connection.
            -1 or 2 or 53 or 64 or 121 or 233 or 10053 or 10054 or 10060 or 10061 or 11001 =>
                $"the database server cannot be reached ({sql.Number})",
            _ => null,
        };

    public override bool IsLockTimeout(Exception exception) =>
        Find<SqlException>(exception) is { Number: -2 or 1222 or 1205 };
}
