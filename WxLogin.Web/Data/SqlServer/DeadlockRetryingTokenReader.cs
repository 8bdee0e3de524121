using Microsoft.Data.SqlClient;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>
/// SQL Server may pick a token read as the victim of a deadlock (1205) with a login or logout writing
/// the same user (locking READ COMMITTED, before database/sqlserver/0005 or with READ_COMMITTED_SNAPSHOT
/// off). The writer has committed by then, so the read is tried once more instead of answering 503.
/// </summary>
public sealed class DeadlockRetryingTokenReader(TokenReader inner) : TokenReader
{
    private const int DeadlockVictim = 1205;

    public override Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken) =>
        OnceMoreAfterADeadlock(() => inner.FindAsync(digest, cancellationToken));

    public override Task<bool> WasReplacedAsync(byte[] digest, CancellationToken cancellationToken) =>
        OnceMoreAfterADeadlock(() => inner.WasReplacedAsync(digest, cancellationToken));

    private static async Task<T> OnceMoreAfterADeadlock<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (SqlException ex) when (ex.Number == DeadlockVictim)
        {
            return await read();
        }
    }
}
