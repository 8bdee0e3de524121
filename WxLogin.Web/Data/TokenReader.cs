using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>The read behind every [CheckToken]: one indexed query by token digest, no change tracking, no session_key.</summary>
public abstract class TokenReader
{
    public abstract Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken);
}

/// <summary>A server database's token read: one pooled connection and one command per call.</summary>
public sealed class PooledTokenReader(DatabaseConnections connections, string sql) : TokenReader
{
    public override async Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@digest";
        parameter.Value = digest;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? UserProjection.Read(reader) : null;
    }
}
