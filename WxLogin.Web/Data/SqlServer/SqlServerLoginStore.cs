using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Options;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>
/// SQL Server: each request writes in its own short transaction; the server commits many at once
/// itself. Find-or-create by openid is an UPDATE that takes a key-range lock on the unique index
/// (UPDLOCK, SERIALIZABLE), then an INSERT when no row matched, so two first logins of one openid,
/// on any instances, queue instead of colliding.
/// </summary>
public sealed class SqlServerLoginStore(
    SqlServerConnections connections,
    SqlServerFaults faults,
    IOptions<DatabaseOptions> options,
    ILogger<SqlServerLoginStore> logger) : LoginStore
{
    internal static readonly string UpsertSql = $"""
        UPDATE Users WITH (UPDLOCK, SERIALIZABLE)
        SET UnionId = COALESCE(@UnionId, UnionId),
            SessionKeyProtected = @SessionKeyProtected,
            ReplacedTokenDigest = CASE WHEN TokenExpiresAt > @Now THEN TokenDigest END,
            TokenDigest = @TokenDigest,
            TokenExpiresAt = @TokenExpiresAt,
            UpdatedAt = @Now
        OUTPUT {UserProjection.InsertedColumns}
        WHERE OpenId = @OpenId;
        IF @@ROWCOUNT = 0
            INSERT INTO Users (OpenId, UnionId, SessionKeyProtected, TokenDigest, TokenExpiresAt, CreatedAt, UpdatedAt)
            OUTPUT {UserProjection.InsertedColumns}
            VALUES (@OpenId, @UnionId, @SessionKeyProtected, @TokenDigest, @TokenExpiresAt, @Now, @Now);
        """;

    internal const string RevokeSql = """
        UPDATE Users SET TokenDigest = NULL, TokenExpiresAt = NULL, UpdatedAt = @now
        WHERE Id = @id AND TokenDigest = @digest
        """;

    private int CommandTimeoutSeconds => Math.Max(1, (int)Math.Ceiling(options.Value.WriteTimeout.TotalSeconds));

    public override async Task<UserSnapshot> SaveLoginAsync(LoginWrite login, CancellationToken cancellationToken)
    {
        try
        {
            return await UpsertAsync(login, cancellationToken);
        }
        catch (SqlException ex) when (faults.IsUniqueViolation(ex))
        {
            // Only if a writer bypassed the range lock (e.g. a manual insert): the row exists now, so update it.
            logger.LogInformation("A concurrent first login of the same openid inserted the row first; updating that row");
            return await UpsertAsync(login, cancellationToken);
        }
    }

    public override async Task<bool> RevokeTokenAsync(int userId, byte[] tokenDigest, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connections.ConnectionString);
        return await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { id = userId, digest = tokenDigest, now },
            commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken)) == 1;
    }

    private async Task<UserSnapshot> UpsertAsync(LoginWrite login, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connections.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(UpsertSql, login, transaction,
            CommandTimeoutSeconds, cancellationToken: cancellationToken));
        UserSnapshot? user = null;
        do
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                user = UserProjection.Read(reader);
            }
        }
        while (user is null && await reader.NextResultAsync(cancellationToken));
        await reader.DisposeAsync();
        await transaction.CommitAsync(cancellationToken);
        return user ?? throw new InvalidOperationException("The login upsert answered no row.");
    }
}
