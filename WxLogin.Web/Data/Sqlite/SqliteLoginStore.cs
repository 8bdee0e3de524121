using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
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
/// </summary>
public sealed class SqliteLoginStore : LoginStore, IDisposable
{
    /// <summary>At most this many writes per transaction; more wait for the next commit.</summary>
    private const int MaxBatch = 512;

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
    private readonly DatabaseFileIdentity? _identity;
    private readonly Thread _writer;

    // Owned by the writer thread.
    private SqliteConnection? _connection;
    private SqliteCommand? _upsert;
    private SqliteCommand? _revoke;
    private volatile string? _fault;

    public SqliteLoginStore(SqliteConnections connections, SqliteFaults faults, IOptions<DatabaseOptions> options,
        TimeProvider time, ILogger<SqliteLoginStore> logger)
    {
        _connections = connections;
        _faults = faults;
        _writeTimeout = options.Value.WriteTimeout;
        _time = time;
        _logger = logger;
        _identity = connections.FilePath is { } path ? new DatabaseFileIdentity(path) : null;
        _writer = new Thread(Run) { IsBackground = true, Name = "WxLogin SQLite writer" };
        _writer.Start();
    }

    public override string? CurrentFault => _fault;

    public override Task<UserSnapshot> SaveLoginAsync(LoginWrite login, CancellationToken cancellationToken) =>
        Enqueue(new PendingLogin(login, Deadline(), cancellationToken));

    public override Task<bool> RevokeTokenAsync(int userId, byte[] tokenDigest, DateTime now, CancellationToken cancellationToken) =>
        Enqueue(new PendingRevoke(userId, tokenDigest, now, Deadline(), cancellationToken));

    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer.Join(_writeTimeout + TimeSpan.FromSeconds(5));
        CloseConnection();
        _identity?.Dispose();
    }

    private long Deadline() => _time.GetTimestamp() + (long)(_writeTimeout.TotalSeconds * _time.TimestampFrequency);

    private Task<T> Enqueue<T>(PendingWrite<T> write)
    {
        if (!_queue.TryAdd(write))
        {
            throw Unavailable("The service is shutting down. Retry shortly.");
        }
        return write.Task;
    }

    private void Run()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (_queue.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }
            WriteBatch(batch);
            batch.Clear();
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
            // Wait for another writer's lock no longer than the most urgent request allows.
            var remaining = (live.Min(w => w.Deadline) - now) * 1000 / _time.TimestampFrequency;
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, (int)Math.Clamp(remaining, 1, int.MaxValue));
            while (live.Count > 0)
            {
                if (TryCommit(connection, live) is not { } failed)
                {
                    break;
                }
                // A statement failed for a reason of its own (not the storage): answer that one, commit the rest.
                live.Remove(failed.Write);
                failed.Write.Fail(failed.Error);
            }
            _fault = null;
            foreach (var write in live)
            {
                write.Complete();
            }
        }
        catch (Exception ex) when (_faults.IsLockTimeout(ex))
        {
            _logger.LogWarning("{Count} logins/logouts waited {Timeout} for the database's write lock and were refused: {Cause}",
                live.Count, _writeTimeout, _faults.Describe(ex));
            FailAll(live, LockTimeout);
        }
        catch (Exception ex)
        {
            var cause = _faults.Describe(ex);
            _fault = cause ?? ex.Message;
            if (cause is null)
            {
                _logger.LogError(ex, "Writing {Count} logins/logouts failed", live.Count);
            }
            else
            {
                _logger.LogError("Writing {Count} logins/logouts failed: {Cause}", live.Count, cause);
            }
            // Start afresh: no connection opened in the bad state (read-only, deleted file) is reused.
            CloseConnection();
            _faults.AfterFault(ex);
            FailAll(live, cause is null ? () => new InvalidOperationException("Writing the login or logout failed.", ex) : () => Unavailable());
        }
    }

    /// <summary>Null when the batch committed; else the write whose statement failed (the transaction is rolled back).</summary>
    private (PendingWrite Write, Exception Error)? TryCommit(SqliteConnection connection, List<PendingWrite> live)
    {
        Execute(connection, "BEGIN IMMEDIATE");
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
        if (_connection is not null && _identity?.HasMoved() == true)
        {
            CloseConnection();
            _identity.Forget();
            throw new SqliteException("The database file was deleted, moved or replaced while the service ran.",
                SqliteFaults.ReadOnly, SqliteFaults.ReadOnlyDbMoved);
        }
        if (_connection is not null)
        {
            return _connection;
        }

        var connection = new SqliteConnection(_connections.UnpooledConnectionString);
        try
        {
            connection.Open();
            _identity?.Pin();
            // FULL: in WAL mode every COMMIT fsyncs the WAL, so an answered login survives a power cut
            // (NORMAL would fsync only at checkpoints). One fsync per batch keeps that affordable.
            Execute(connection, "PRAGMA synchronous = FULL");
            // As on EF's connections (SqliteSecureDelete): an older copy of a row that a login rewrote must not
            // stay in free space, where it would outlive the account's deletion.
            Execute(connection, "PRAGMA secure_delete = ON");
            _upsert = Prepare(connection, UpsertSql, "@openId", "@unionId", "@sessionKey", "@digest", "@expiresAt", "@now");
            _revoke = Prepare(connection, RevokeSql, "@id", "@digest", "@now");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        _connection = connection;
        return connection;
    }

    private void CloseConnection()
    {
        _upsert?.Dispose();
        _revoke?.Dispose();
        _connection?.Dispose();
        (_upsert, _revoke, _connection) = (null, null, null);
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
