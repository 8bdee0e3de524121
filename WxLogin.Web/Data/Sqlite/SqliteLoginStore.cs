using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using WxLogin.Web.Errors;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// Group commit for SQLite. SQLite has one writer at a time and every durable commit costs an fsync
/// (about 0.6 ms on the benchmark machine), so logins that each commit on their own top out near
/// 1,600/s and queue on the file lock. Here one thread owns the only write connection: it takes
/// every login and logout waiting in the queue, writes them in one transaction and commits once
/// (synchronous=FULL: the WAL is fsynced before COMMIT returns), then answers them all. A request
/// therefore gets its 200 only after its row is on disk, and a burst of N logins costs one fsync.
/// Waiting for another process's write lock happens on that thread, never on the thread pool, and
/// is bounded by Database:WriteTimeout, after which the waiting requests get 503 storage_unavailable.
/// The thread starts and stops with the host: on stop it answers what is queued, then closes its
/// connection itself; a write that arrives after that answers 503.
/// EF Core's writes (profile, phone, deletion, a team's tables) queue here too, for a turn
/// (<see cref="TakeTurnAsync"/>, taken by <see cref="SqliteWriteTurns"/>): the thread commits the logins
/// queued before it, lends the write lock's turn to that one EF write and waits for it to end. So a process
/// has one writer of the file at a time, in arrival order, instead of connections that poll SQLite's lock
/// against each other and lose to the busiest.
/// </summary>
public sealed class SqliteLoginStore : LoginStore, IHostedService, IDisposable
{
    /// <summary>At most this many writes per transaction; more wait for the next commit.</summary>
    private const int MaxBatch = 512;

    /// <summary>
    /// After a checkpoint SQLite cuts a WAL file that grew past this back to it (journal_size_limit), so a
    /// burst, or a reader that held checkpoints back, does not leave the file at its largest. SQLite's own
    /// checkpoint runs at 1,000 pages (about 4 MB), so in steady use the WAL stays near this size and its
    /// blocks are rewritten in place. Truncating it further after every commit past 1 MB cost 26% more CPU
    /// per login and 26% fewer logins/s in bench/ (the file was extended again on every write). A write
    /// that fails for space checkpoints and truncates the WAL to zero: that is what frees a full volume.
    /// </summary>
    internal const long WalLimitBytes = 4 * 1024 * 1024;

    /// <summary>Less free space than this on the database's volume and readiness fails: the next writes would not fit.</summary>
    internal const long MinFreeBytes = 512 * 1024;

    /// <summary>
    /// While another process writes the file too (this process had to wait for the lock within the last
    /// <see cref="SharingWindow"/>), the writer writes for at most a slice without a pause, then leaves the lock
    /// free long enough for that process, which tries every millisecond, to take it.
    /// </summary>
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan YieldToAnotherWriter = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan SharingWindow = TimeSpan.FromSeconds(1);

    /// <summary>While a fault lasts, one summary line per this period instead of one line per failed batch.</summary>
    private static readonly TimeSpan FaultSummaryPeriod = TimeSpan.FromMinutes(1);

    // Readiness's write: rewrites one existing row without changing it, so a full disk or a read-only
    // file shows without waiting for a login, and nothing is left behind.
    private const string ProbeSql = """
        UPDATE SchemaVersions SET Name = Name WHERE Version = (SELECT MAX(Version) FROM SchemaVersions)
        """;

    // One statement: insert the openid, or update its row (keeping a known unionid), and answer the row.
    private static readonly string UpsertSql = $"""
        INSERT INTO Users (OpenId, UnionId, SessionKeyProtected, TokenDigest, TokenExpiresAt, CreatedAt, UpdatedAt)
        VALUES (@openId, @unionId, @sessionKey, @digest, @expiresAt, @now, @now)
        ON CONFLICT (OpenId) DO UPDATE SET
            UnionId = COALESCE(excluded.UnionId, Users.UnionId),
            SessionKeyProtected = excluded.SessionKeyProtected,
            ReplacedTokenDigest = CASE WHEN Users.TokenExpiresAt > excluded.UpdatedAt THEN Users.TokenDigest END,
            TokenDigest = excluded.TokenDigest,
            TokenExpiresAt = excluded.TokenExpiresAt,
            UpdatedAt = excluded.UpdatedAt
        RETURNING {UserProjection.Columns}
        """;

    // Only the token the request came with: a newer login's token stays valid.
    private const string RevokeSql = """
        UPDATE Users SET TokenDigest = NULL, TokenExpiresAt = NULL, UpdatedAt = @now
        WHERE Id = @id AND TokenDigest = @digest
        """;

    private readonly BlockingCollection<PendingWrite> _queue = new(new ConcurrentQueue<PendingWrite>());
    private readonly SqliteConnections _connections;
    private readonly SqliteFaults _faults;
    private readonly TimeSpan _writeTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteLoginStore> _logger;
    private readonly SqliteDatabaseFile _file;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Owned by the writer thread.
    private SqliteConnection? _connection;
    private int _connectionGeneration;
    private SqliteCommand? _upsert;
    private SqliteCommand? _revoke;
    private SqliteCommand? _probe;
    private volatile string? _fault;
    private long _lastWaitForAnotherWriter = long.MinValue / 2;
    private int _failedSinceSummary;
    private long _summaryAt;

    public SqliteLoginStore(SqliteConnections connections, SqliteFaults faults, SqliteDatabaseFile file,
        IOptions<DatabaseOptions> options, TimeProvider time, ILogger<SqliteLoginStore> logger)
    {
        _connections = connections;
        _faults = faults;
        _file = file;
        _writeTimeout = options.Value.WriteTimeout;
        _time = time;
        _logger = logger;
        _writer = new Thread(Run) { IsBackground = true, Name = "WxLogin SQLite writer" };
    }

    public override string? CurrentFault => _fault;

    /// <summary>Writes and turns waiting for the writer thread (tests wait on it).</summary>
    internal int QueuedWrites => _queue.Count;

    /// <summary>
    /// Readiness: the file is still the one opened, and a write (through the writer, after a
    /// checkpoint that empties the WAL when the last write failed) commits now.
    /// </summary>
    public override async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        if (_file.CheckNow() is { } fileFault)
        {
            return _faults.Describe(fileFault.ToException());
        }
        if (FreeBytes() is < MinFreeBytes and var free)
        {
            return $"the disk is nearly full: {free} bytes free on the database's volume (SQLITE_FULL)";
        }
        try
        {
            await Enqueue(new PendingProbe(Deadline(), cancellationToken));
            return null;
        }
        catch (ApiException)
        {
            return _fault; // a storage fault was recorded; none after a lock wait, which means the file takes writes
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer.Start();
        return Task.CompletedTask;
    }

    /// <summary>Takes no more writes, answers the queued ones, and waits for that no longer than the host's shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.CompleteAdding();
        if (!_writer.IsAlive)
        {
            return;
        }
        try
        {
            await _stopped.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("The SQLite writer did not finish its queue within the shutdown timeout");
        }
    }

    public override Task<UserSnapshot> SaveLoginAsync(LoginWrite login, CancellationToken cancellationToken) =>
        Enqueue(new PendingLogin(login, Deadline(), cancellationToken));

    public override Task<bool> RevokeTokenAsync(int userId, byte[] tokenDigest, DateTime now, CancellationToken cancellationToken) =>
        Enqueue(new PendingRevoke(userId, tokenDigest, now, Deadline(), cancellationToken));

    /// <summary>
    /// Waits, in line with the logins, until this process's writer is idle, and keeps it idle until the turn is
    /// disposed (or Database:WriteTimeout passed, after which the writer goes on: SQLite's own lock still
    /// keeps the file consistent). 503 storage_unavailable when no turn came within Database:WriteTimeout.
    /// </summary>
    public Task<IDisposable> TakeTurnAsync(CancellationToken cancellationToken) =>
        Enqueue(new PendingTurn(Deadline(), cancellationToken));

    /// <summary>The connection belongs to the writer thread, which closes it as it ends: never closed under a running batch.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        if (!_writer.IsAlive)
        {
            CloseConnection(); // never started, or already closed by the thread
        }
    }

    private long Deadline() => _time.GetTimestamp() + (long)(_writeTimeout.TotalSeconds * _time.TimestampFrequency);

    private Task<T> Enqueue<T>(PendingWrite<T> write)
    {
        try
        {
            if (_queue.TryAdd(write))
            {
                return write.Task;
            }
        }
        catch (InvalidOperationException)
        {
            // CompleteAdding ran between the host's stop and this request: the same answer as below.
        }
        throw Unavailable("The service is shutting down. Retry shortly.");
    }

    private void Run()
    {
        try
        {
            var batch = new List<PendingWrite>(MaxBatch);
            var sliceStarted = _time.GetTimestamp();
            while (true)
            {
                if (!_queue.TryTake(out var first))
                {
                    // Idle, so the lock is free for anyone: the next write starts a new slice.
                    if (!_queue.TryTake(out first, Timeout.Infinite))
                    {
                        break;
                    }
                    sliceStarted = _time.GetTimestamp();
                }
                var turn = first as PendingTurn;
                if (turn is null)
                {
                    batch.Add(first);
                    // Everything queued joins the batch, up to a turn: the writes queued before it commit first.
                    while (batch.Count < MaxBatch && _queue.TryTake(out var next))
                    {
                        if (next is PendingTurn nextTurn)
                        {
                            turn = nextTurn;
                            break;
                        }
                        batch.Add(next);
                    }
                    WriteBatch(batch);
                    batch.Clear();
                }
                if (turn is not null)
                {
                    Lend(turn);
                }
                if (_time.GetElapsedTime(sliceStarted) >= Slice && _time.GetElapsedTime(Volatile.Read(ref _lastWaitForAnotherWriter)) < SharingWindow)
                {
                    // Another process writes this file too, and polls for the lock as this thread does: after a
                    // slice of writing without a pause, leave the lock free a moment, or that process would wait
                    // until this one ran out of work.
                    Thread.Sleep(YieldToAnotherWriter);
                    sliceStarted = _time.GetTimestamp();
                }
            }
        }
        finally
        {
            CloseConnection();
            _stopped.TrySetResult();
        }
    }

    private void WriteBatch(List<PendingWrite> batch)
    {
        var now = _time.GetTimestamp();
        var live = new List<PendingWrite>(batch.Count);
        foreach (var write in batch)
        {
            if (write.Cancellation.IsCancellationRequested)
            {
                write.Fail(new OperationCanceledException(write.Cancellation));
            }
            else if (now >= write.Deadline)
            {
                write.Fail(LockTimeout());
            }
            else
            {
                live.Add(write);
            }
        }
        if (live.Count == 0)
        {
            return;
        }

        try
        {
            var connection = Open();
            var deadline = live.Min(w => w.Deadline);
            var remaining = (deadline - now) * 1000 / _time.TimestampFrequency;
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, (int)Math.Clamp(remaining, 1, int.MaxValue));
            if (_fault is not null)
            {
                // The last write failed, perhaps for space: empty the WAL into the file first.
                Checkpoint(connection);
            }
            while (live.Count > 0)
            {
                if (TryCommit(connection, live, deadline) is not { } failed)
                {
                    break;
                }
                // A statement failed for a reason of its own (not the storage): answer that one, commit the rest.
                live.Remove(failed.Write);
                failed.Write.Fail(failed.Error);
            }
            Healed();
            foreach (var write in live)
            {
                write.Complete();
            }
        }
        catch (Exception ex) when (_faults.IsLockTimeout(ex))
        {
            _logger.LogWarning("{Count} writes waited {Timeout} for the database's write lock and were refused: {Cause}",
                live.Count, _writeTimeout, _faults.Describe(ex));
            FailAll(live, LockTimeout);
        }
        catch (Exception ex)
        {
            var cause = _faults.Describe(ex);
            Failed(ex, cause ?? ex.Message, live.Count);
            if (ex is SqliteException { SqliteErrorCode: SqliteFaults.Full } && _connection is { } full)
            {
                Checkpoint(full); // frees the WAL's space, so the next write may fit
            }
            // Start afresh: no connection opened in the bad state (read-only, deleted file) is reused.
            CloseConnection();
            _faults.AfterFault(ex);
            FailAll(live, cause is null ? () => new InvalidOperationException("Writing the login or logout failed.", ex) : () => Unavailable());
        }
    }

    /// <summary>Gives the turn to the EF write waiting for it and waits until that write ends, at most Database:WriteTimeout.</summary>
    private void Lend(PendingTurn turn)
    {
        if (turn.Cancellation.IsCancellationRequested)
        {
            turn.Fail(new OperationCanceledException(turn.Cancellation));
            return;
        }
        if (_time.GetTimestamp() >= turn.Deadline)
        {
            turn.Fail(LockTimeout());
            return;
        }
        turn.Complete();
        if (!turn.Ended.Wait(_writeTimeout))
        {
            _logger.LogWarning("An EF Core write kept the SQLite writer's turn longer than {Timeout}; logins go on beside it", _writeTimeout);
        }
    }

    /// <summary>Null when the batch committed; else the write whose statement failed (the transaction is rolled back).</summary>
    private (PendingWrite Write, Exception Error)? TryCommit(SqliteConnection connection, List<PendingWrite> live, long deadline)
    {
        BeginImmediate(connection, deadline);
        try
        {
            foreach (var write in live)
            {
                try
                {
                    write.Execute(this);
                }
                catch (Exception ex) when (_faults.Describe(ex) is null)
                {
                    Rollback(connection);
                    return (write, ex);
                }
            }
            Execute(connection, "COMMIT");
            return null;
        }
        catch
        {
            Rollback(connection);
            throw;
        }
    }

    /// <summary>
    /// Returns once every commit made so far is on disk. An EF write commits with synchronous=NORMAL, which leaves
    /// the WAL unsynced (<see cref="SqliteWriteTurns"/>); the writer's next commit (synchronous=FULL) fsyncs the WAL,
    /// and with it every commit before it. A probe write in that batch makes sure the commit has something to sync.
    /// So EF writes share the login batches' fsyncs instead of paying one each.
    /// </summary>
    public Task WaitUntilDurableAsync(CancellationToken cancellationToken) =>
        Enqueue(new PendingProbe(Deadline(), cancellationToken));

    /// <summary>
    /// For an EF write that has the turn: waits, as the writer does, until the file's write lock is free (another
    /// process may hold it), so the EF connection's own BEGIN IMMEDIATE that follows takes it at once. 503
    /// storage_unavailable after Database:WriteTimeout.
    /// </summary>
    public async Task WaitForWriteLockAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var deadline = Deadline();
        var handle = connection.Handle!;
        int result;
        var waited = false;
        try
        {
            while ((result = TryBeginImmediate(handle)) == SqliteFaults.Busy && _time.GetTimestamp() < deadline)
            {
                waited = true;
                await Task.Delay(1, cancellationToken);
            }
        }
        finally
        {
            RestoreBusyTimeout(handle, deadline);
            NoteWait(waited);
        }
        if (result == SqliteFaults.Busy)
        {
            throw LockTimeout();
        }
        SqliteException.ThrowExceptionForRC(result, handle); // a storage fault; nothing when the lock was taken
        SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_exec(handle, "ROLLBACK"), handle);
    }

    /// <summary>
    /// Takes the file's write lock, trying every millisecond until the most urgent request's deadline. SQLite's own
    /// busy handler sleeps longer the longer it waits (up to 100 ms between tries), so against another process's
    /// writer that takes the lock back within a few milliseconds it kept missing the moments it was free.
    /// </summary>
    private void BeginImmediate(SqliteConnection connection, long deadline)
    {
        var handle = connection.Handle!;
        int result;
        var waited = false;
        while ((result = TryBeginImmediate(handle)) == SqliteFaults.Busy && _time.GetTimestamp() < deadline)
        {
            waited = true;
            Thread.Sleep(1);
        }
        RestoreBusyTimeout(handle, deadline);
        NoteWait(waited);
        SqliteException.ThrowExceptionForRC(result, handle); // SQLITE_BUSY is a lock timeout; nothing when the lock was taken
    }

    private void NoteWait(bool waited)
    {
        if (waited)
        {
            Volatile.Write(ref _lastWaitForAnotherWriter, _time.GetTimestamp());
        }
    }

    /// <summary>One try at the write lock, without SQLite's busy handler: SQLITE_OK (taken), SQLITE_BUSY or a fault.</summary>
    private static int TryBeginImmediate(SQLitePCL.sqlite3 handle)
    {
        SQLitePCL.raw.sqlite3_busy_timeout(handle, 0);
        return SQLitePCL.raw.sqlite3_exec(handle, "BEGIN IMMEDIATE");
    }

    /// <summary>The connection's other statements (a checkpoint, EF's BEGIN) wait inside SQLite again, until the deadline.</summary>
    private void RestoreBusyTimeout(SQLitePCL.sqlite3 handle, long deadline)
    {
        var remaining = (deadline - _time.GetTimestamp()) * 1000 / _time.TimestampFrequency;
        SQLitePCL.raw.sqlite3_busy_timeout(handle, (int)Math.Clamp(remaining, 1, int.MaxValue));
    }

    /// <summary>Ends the transaction if SQLite has not already rolled it back (it does on SQLITE_FULL and I/O errors).</summary>
    private static void Rollback(SqliteConnection connection)
    {
        if (connection.Handle is { IsInvalid: false } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0)
        {
            try
            {
                Execute(connection, "ROLLBACK");
            }
            catch (SqliteException)
            {
                // The connection is closed and reopened after any storage fault; the original error is what counts.
            }
        }
    }

    private SqliteConnection Open()
    {
        // Checked at every batch, not once a second: a commit into a deleted file would be lost, and the check costs far less than the fsync.
        if (_file.CheckNow() is { } fileFault)
        {
            CloseConnection();
            throw fileFault.ToException();
        }
        if (_connection is not null && _connectionGeneration == _connections.Generation)
        {
            return _connection;
        }
        CloseConnection(); // opened before a storage fault: start afresh

        var generation = _connections.Generation;
        var connection = new SqliteConnection(_connections.UnpooledConnectionString);
        try
        {
            connection.Open();
            // FULL: in WAL mode every COMMIT fsyncs the WAL, so an answered login survives a power cut
            // (NORMAL would fsync only at checkpoints). One fsync per batch keeps that affordable.
            Execute(connection, "PRAGMA synchronous = FULL");
            // As on EF's connections (SqliteSecureDelete): an older copy of a row that a login rewrote must not
            // stay in free space, where it would outlive the account's deletion.
            Execute(connection, "PRAGMA secure_delete = ON");
            Execute(connection, $"PRAGMA journal_size_limit = {WalLimitBytes}");
            _upsert = Prepare(connection, UpsertSql, "@openId", "@unionId", "@sessionKey", "@digest", "@expiresAt", "@now");
            _revoke = Prepare(connection, RevokeSql, "@id", "@digest", "@now");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        (_connection, _connectionGeneration) = (connection, generation);
        return connection;
    }

    private void CloseConnection()
    {
        _upsert?.Dispose();
        _revoke?.Dispose();
        _probe?.Dispose();
        _connection?.Dispose();
        (_upsert, _revoke, _probe, _connection) = (null, null, null, null);
    }

    /// <summary>Copies the WAL into the database file and truncates it to zero bytes; a failure is left to the next write to report.</summary>
    private void Checkpoint(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        catch (SqliteException ex)
        {
            _logger.LogDebug("Checkpoint failed: {Cause}", _faults.Describe(ex) ?? ex.Message);
        }
    }

    /// <summary>Free space on the database's volume; unknown (a share Windows cannot size) counts as plenty.</summary>
    private long FreeBytes()
    {
        try
        {
            return _connections.FilePath is { } path ? new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace : long.MaxValue;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>One line when a fault starts or changes, then a summary per period while it lasts.</summary>
    private void Failed(Exception ex, string cause, int count)
    {
        if (_fault != cause)
        {
            _fault = cause;
            (_failedSinceSummary, _summaryAt) = (0, _time.GetTimestamp());
            if (_faults.Describe(ex) is null)
            {
                _logger.LogError(ex, "{Count} queued writes failed", count);
            }
            else
            {
                _logger.LogError("{Count} queued writes failed: {Cause}. Further failures are summarised every {Period}", count, cause, FaultSummaryPeriod);
            }
            return;
        }
        _failedSinceSummary += count;
        if (_time.GetElapsedTime(_summaryAt) >= FaultSummaryPeriod)
        {
            _logger.LogError("{Count} more queued writes failed in the last {Period}: {Cause}", _failedSinceSummary, FaultSummaryPeriod, cause);
            (_failedSinceSummary, _summaryAt) = (0, _time.GetTimestamp());
        }
    }

    private void Healed()
    {
        if (_fault is { } cause)
        {
            _logger.LogInformation("Queued writes succeed again ({Count} more failed since the last line: {Cause})", _failedSinceSummary, cause);
            (_fault, _failedSinceSummary) = (null, 0);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 1;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        // Seconds Microsoft.Data.Sqlite itself retries SQLITE_BUSY after SQLite's own busy_timeout.
        command.CommandTimeout = 1;
        command.ExecuteNonQuery();
    }

    /// <summary>Each request gets an exception of its own: one instance rethrown on many threads would mix their stack traces.</summary>
    private static void FailAll(List<PendingWrite> writes, Func<Exception> error)
    {
        foreach (var write in writes)
        {
            write.Fail(error());
        }
    }

    private abstract class PendingWrite(long deadline, CancellationToken cancellation)
    {
        public long Deadline { get; } = deadline;

        public CancellationToken Cancellation { get; } = cancellation;

        /// <summary>Runs the statement inside the writer's open transaction and keeps its result.</summary>
        public abstract void Execute(SqliteLoginStore store);

        /// <summary>Answers the request: called only after COMMIT returned.</summary>
        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    private abstract class PendingWrite<T>(long deadline, CancellationToken cancellation) : PendingWrite(deadline, cancellation)
    {
        // Continuations run on the thread pool, not on the writer thread.
        private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected T Result { get; set; } = default!;

        public Task<T> Task => _answer.Task;

        public override void Complete() => _answer.TrySetResult(Result);

        public override void Fail(Exception error) => _answer.TrySetException(error);
    }

    private sealed class PendingLogin(LoginWrite login, long deadline, CancellationToken cancellation)
        : PendingWrite<UserSnapshot>(deadline, cancellation)
    {
        public override void Execute(SqliteLoginStore store)
        {
            var command = store._upsert!;
            command.Parameters[0].Value = login.OpenId;
            command.Parameters[1].Value = (object?)login.UnionId ?? DBNull.Value;
            command.Parameters[2].Value = login.SessionKeyProtected;
            command.Parameters[3].Value = login.TokenDigest;
            command.Parameters[4].Value = login.TokenExpiresAt;
            command.Parameters[5].Value = login.Now;
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new InvalidOperationException("The login upsert answered no row.");
            }
            Result = UserProjection.Read(reader);
        }
    }

    private sealed class PendingProbe(long deadline, CancellationToken cancellation)
        : PendingWrite<bool>(deadline, cancellation)
    {
        // Prepared on first use: a database without SchemaVersions fails readiness, not every login.
        public override void Execute(SqliteLoginStore store) =>
            Result = (store._probe ??= Prepare(store._connection!, ProbeSql)).ExecuteNonQuery() == 1;
    }

    private sealed class PendingTurn : PendingWrite<IDisposable>, IDisposable
    {
        public PendingTurn(long deadline, CancellationToken cancellation) : base(deadline, cancellation) => Result = this;

        /// <summary>Set when the EF write that took the turn ended.</summary>
        public ManualResetEventSlim Ended { get; } = new();

        public override void Execute(SqliteLoginStore store) =>
            throw new InvalidOperationException("A turn is lent between batches, never written in one.");

        public void Dispose() => Ended.Set();
    }

    private sealed class PendingRevoke(int userId, byte[] digest, DateTime now, long deadline, CancellationToken cancellation)
        : PendingWrite<bool>(deadline, cancellation)
    {
        public override void Execute(SqliteLoginStore store)
        {
            var command = store._revoke!;
            command.Parameters[0].Value = userId;
            command.Parameters[1].Value = digest;
            command.Parameters[2].Value = now;
            Result = command.ExecuteNonQuery() == 1;
        }
    }
}
