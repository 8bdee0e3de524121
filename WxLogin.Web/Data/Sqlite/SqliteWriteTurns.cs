using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// Puts every EF Core write in line with the logins. Its transaction (SaveChanges always gets one here) begins
/// only when the SQLite writer gives it the turn (<see cref="SqliteLoginStore.TakeTurnAsync"/>) and the file's
/// write lock is free, and the turn ends with the transaction. So this process never has two connections polling
/// for the file's lock against each other: a profile save beside a stream of logins used to wait seconds.
/// The transaction commits without an fsync of its own (synchronous=NORMAL) and the commit returns once the
/// writer's next group commit has synced the WAL (<see cref="SqliteLoginStore.WaitUntilDurableAsync"/>): as
/// durable as before, and many EF writes share one fsync, as logins do.
/// Reads take no turn, and neither do ExecuteUpdate/ExecuteDelete outside a transaction: those wait in SQLite's
/// busy handler (<see cref="SqliteBusyTimeout"/>) and sync their own commit.
/// </summary>
public sealed class SqliteWriteTurns(SqliteLoginStore writer) : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, IDisposable> _turns = new();

    // One statement would otherwise be saved without a transaction, taking the lock where no turn is waited for.
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        InTransaction(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        InTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            _turns.AddOrUpdate(context, await writer.TakeTurnAsync(cancellationToken));
            try
            {
                await writer.WaitForWriteLockAsync((SqliteConnection)connection, cancellationToken);
                await SynchronousAsync(connection, "NORMAL", cancellationToken);
            }
            catch
            {
                End(context);
                throw;
            }
        }
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result) =>
        TransactionStartingAsync(connection, eventData, result).AsTask().GetAwaiter().GetResult();

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionCommittedAsync(transaction, eventData).GetAwaiter().GetResult();

    /// <summary>
    /// Ends the turn, then returns only once the commit is on disk. Not cancelled when the client hangs up: the
    /// write is committed already, and the wait is bounded by Database:WriteTimeout.
    /// </summary>
    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _turns.TryGetValue(context, out _))
        {
            await EndTransactionAsync(context);
            await writer.WaitUntilDurableAsync(CancellationToken.None);
        }
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        TransactionRolledBackAsync(transaction, eventData).GetAwaiter().GetResult();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        eventData.Context is { } context ? EndTransactionAsync(context) : Task.CompletedTask;

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => End(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) =>
        EndAsync(eventData.Context);

    // A pooled connection keeps its pragmas: every use starts with full syncs, NORMAL is for a turn's transaction only.
    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        SynchronousAsync(connection, "FULL", CancellationToken.None).GetAwaiter().GetResult();

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        SynchronousAsync(connection, "FULL", cancellationToken);

    // A transaction disposed without commit or rollback (an early return) ends when EF closes or disposes its connection.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => End(eventData.Context);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => EndAsync(eventData.Context);

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => End(eventData.Context);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData) => EndAsync(eventData.Context);

    private static async Task SynchronousAsync(DbConnection connection, string level, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {level}";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void InTransaction(DbContext? context)
    {
        if (context is not null)
        {
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    /// <summary>The connection may stay open for more statements: they sync their own commits again.</summary>
    private async Task EndTransactionAsync(DbContext context)
    {
        try
        {
            await SynchronousAsync(context.Database.GetDbConnection(), "FULL", CancellationToken.None);
        }
        finally
        {
            End(context);
        }
    }

    private void End(DbContext? context)
    {
        if (context is not null && _turns.TryGetValue(context, out var turn) && _turns.Remove(context))
        {
            turn.Dispose();
        }
    }

    private Task EndAsync(DbContext? context)
    {
        End(context);
        return Task.CompletedTask;
    }
}
