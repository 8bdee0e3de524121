using System.Collections.Concurrent;
using Dapper;
using Microsoft.Data.Sqlite;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>
/// The lookup behind every [CheckToken] request: one indexed query (IX_Users_TokenDigest), no change
/// tracking, no session_key read. On SQLite it runs on a small pool of read connections that keep the
/// statement prepared; WAL lets them read while the login writer commits, so a held write lock never
/// delays them. On SQL Server, Dapper over the client's connection pool.
/// </summary>
public sealed class UserTokenQuery(DatabaseDialect dialect, TokenCache cache) : IDisposable
{
    /// <summary>Idle read connections kept; more are opened under load and closed when returned.</summary>
    private const int MaxIdleReaders = 32;

    private readonly ConcurrentBag<PreparedReader> _readers = new();

    /// <summary>Plain SQL that both SQLite and SQL Server run as it is.</summary>
    internal const string Sql = """
        SELECT Id, OpenId, UnionId, Nickname, AvatarUrl, PhoneNumber, TokenExpiresAt, CreatedAt, UpdatedAt
        FROM Users
        WHERE TokenDigest = @digest
        """;

    public async Task<User?> FindByTokenDigestAsync(byte[] digest, CancellationToken cancellationToken)
    {
        if (cache.Find(digest) is { } cached)
        {
            return cached;
        }
        var startedAt = cache.Now();
        var user = await QueryAsync(digest, cancellationToken);
        if (user is not null)
        {
            cache.Remember(digest, user, startedAt);
        }
        return user;
    }

    public void Dispose()
    {
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private Task<User?> QueryAsync(byte[] digest, CancellationToken cancellationToken) =>
        dialect is SqliteDialect sqlite ? Task.FromResult(QuerySqlite(sqlite, digest)) : QueryDapperAsync(digest, cancellationToken);

    // Microsoft.Data.Sqlite runs every call synchronously anyway; an indexed read takes microseconds.
    private User? QuerySqlite(SqliteDialect sqlite, byte[] digest)
    {
        var generation = sqlite.ConnectionGeneration;
        PreparedReader? reader;
        while (_readers.TryTake(out reader) && reader.Generation != generation)
        {
            reader.Dispose(); // opened before a storage fault: start afresh
        }
        reader ??= PreparedReader.Open(sqlite, generation);
        try
        {
            var user = reader.Find(digest);
            if (reader.Generation == sqlite.ConnectionGeneration && _readers.Count < MaxIdleReaders)
            {
                _readers.Add(reader);
            }
            else
            {
                reader.Dispose();
            }
            return user;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private async Task<User?> QueryDapperAsync(byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = dialect.CreateRuntimeConnection();
        var user = await connection.QuerySingleOrDefaultAsync<User>(
            new CommandDefinition(Sql, new { digest }, cancellationToken: cancellationToken));
        if (user is not null)
        {
            // Stored without a zone (SQLite: text, SQL Server: datetime2); every timestamp is UTC.
            user.TokenExpiresAt = user.TokenExpiresAt is { } expires ? DateTime.SpecifyKind(expires, DateTimeKind.Utc) : null;
            user.CreatedAt = DateTime.SpecifyKind(user.CreatedAt, DateTimeKind.Utc);
            user.UpdatedAt = DateTime.SpecifyKind(user.UpdatedAt, DateTimeKind.Utc);
        }
        return user;
    }
}

/// <summary>A read connection with the token query prepared on it.</summary>
internal sealed class PreparedReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _command;

    private PreparedReader(SqliteConnection connection, SqliteCommand command, int generation)
    {
        _connection = connection;
        _command = command;
        Generation = generation;
    }

    public int Generation { get; }

    public static PreparedReader Open(SqliteDialect dialect, int generation)
    {
        var connection = new SqliteConnection(dialect.ReaderConnectionString);
        try
        {
            connection.Open();
            var command = connection.CreateCommand();
            command.CommandText = UserTokenQuery.Sql;
            command.Parameters.Add(new SqliteParameter { ParameterName = "@digest" });
            command.Prepare();
            return new PreparedReader(connection, command, generation);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public User? Find(byte[] digest)
    {
        _command.Parameters[0].Value = digest;
        using var reader = _command.ExecuteReader();
        return reader.Read() ? UserRows.Read(reader) : null;
    }

    public void Dispose()
    {
        _command.Dispose();
        _connection.Dispose();
    }
}
