using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>The read behind every [CheckToken]: one indexed query by token digest, no change tracking, no session_key.</summary>
public abstract class TokenReader
{
    public abstract Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken);

    /// <summary>
    /// Only after <see cref="FindAsync"/> found nothing (a 401): true when a newer login replaced this token
    /// while it was live, so the client hears token_replaced instead of token_invalid.
    /// </summary>
    public abstract Task<bool> WasReplacedAsync(byte[] digest, CancellationToken cancellationToken);
}

/// <summary>A server database's token read: one pooled connection and one command per call.</summary>
/// <param name="connections">the provider's pooled connections.</param>
/// <param name="findSql">selects <see cref="UserProjection.Columns"/> where TokenDigest = @digest.</param>
/// <param name="replacedSql">selects a row where ReplacedTokenDigest = @digest.</param>
public sealed class PooledTokenReader(DatabaseConnections connections, string findSql, string replacedSql) : TokenReader
{
    public override async Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, findSql, digest);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? UserProjection.Read(reader) : null;
    }

    public override async Task<bool> WasReplacedAsync(byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, replacedSql, digest);
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    private static System.Data.Common.DbCommand Command(System.Data.Common.DbConnection connection, string sql, byte[] digest)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@digest";
        parameter.Value = digest;
        command.Parameters.Add(parameter);
        return command;
    }
}
