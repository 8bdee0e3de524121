using Microsoft.Data.Sqlite;
using Microsoft.Extensions.ObjectPool;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// [CheckToken]'s read on SQLite: a pool of read connections that keep the statement prepared. WAL lets
/// them read while the login writer commits, so a held write lock never delays them. Microsoft.Data.Sqlite
/// runs every call synchronously anyway, and an indexed read takes microseconds.
/// </summary>
public sealed class SqliteTokenReader : TokenReader, IDisposable
{
    /// <summary>Idle read connections kept; more are opened under load and closed when returned.</summary>
    private const int MaxIdleReaders = 32;

    internal static readonly string Sql = $"""
        SELECT {UserProjection.Columns}
        FROM Users
        WHERE TokenDigest = @digest
        """;

    internal const string ReplacedSql = "SELECT 1 FROM Users WHERE ReplacedTokenDigest = @digest";

    private readonly SqliteConnections _connections;
    private readonly ObjectPool<PreparedReader> _readers;

    public SqliteTokenReader(SqliteConnections connections)
    {
        _connections = connections;
        _readers = new DefaultObjectPoolProvider { MaximumRetained = MaxIdleReaders }.Create(new ReaderPolicy(connections));
    }

    public override Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken) =>
        Task.FromResult(Use(reader => reader.Find(digest)));

    public override Task<bool> WasReplacedAsync(byte[] digest, CancellationToken cancellationToken) =>
        Task.FromResult(Use(reader => reader.WasReplaced(digest)));

    private T Use<T>(Func<PreparedReader, T> read)
    {
        var reader = _readers.Get();
        if (reader.Generation != _connections.Generation)
        {
            reader.Dispose(); // opened before a storage fault: start afresh
            reader = PreparedReader.Open(_connections);
        }
        try
        {
            var result = read(reader);
            _readers.Return(reader); // the policy closes it instead when a fault came in between
            return result;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public void Dispose() => (_readers as IDisposable)?.Dispose();

    private sealed class ReaderPolicy(SqliteConnections connections) : IPooledObjectPolicy<PreparedReader>
    {
        public PreparedReader Create() => PreparedReader.Open(connections);

        public bool Return(PreparedReader reader) => reader.Generation == connections.Generation;
    }

    /// <summary>A read connection with the token queries prepared on it.</summary>
    private sealed class PreparedReader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _command;
        private readonly SqliteCommand _replaced;

        private PreparedReader(SqliteConnection connection, SqliteCommand command, SqliteCommand replaced, int generation)
        {
            _connection = connection;
            _command = command;
            _replaced = replaced;
            Generation = generation;
        }

        public int Generation { get; }

        public static PreparedReader Open(SqliteConnections connections)
        {
            var generation = connections.Generation;
            var connection = new SqliteConnection(connections.UnpooledConnectionString);
            try
            {
                connection.Open();
                return new PreparedReader(connection, Prepare(connection, Sql), Prepare(connection, ReplacedSql), generation);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public UserSnapshot? Find(byte[] digest)
        {
            _command.Parameters[0].Value = digest;
            using var reader = _command.ExecuteReader();
            return reader.Read() ? UserProjection.Read(reader) : null;
        }

        public bool WasReplaced(byte[] digest)
        {
            _replaced.Parameters[0].Value = digest;
            return _replaced.ExecuteScalar() is not null;
        }

        public void Dispose()
        {
            _command.Dispose();
            _replaced.Dispose();
            _connection.Dispose();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add(new SqliteParameter { ParameterName = "@digest" });
            command.Prepare();
            return command;
        }
    }
}
