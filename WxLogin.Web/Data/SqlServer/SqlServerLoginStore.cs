using System.Data;
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
        await connection.OpenAsync(cancellationToken);
        await using var command = RevokeCommand(connection, userId, tokenDigest, now);
        command.CommandTimeout = CommandTimeoutSeconds;
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<UserSnapshot> UpsertAsync(LoginWrite login, CancellationToken cancellationToken)
    {
        await using var connection = new SqlConnection(connections.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = UpsertCommand(connection, login);
        command.Transaction = transaction;
        command.CommandTimeout = CommandTimeoutSeconds;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
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

    /// <summary>
    /// The parameters typed as the columns are. Inferred from a DateTime they would be legacy datetime,
    /// which rounds to 3.33 ms before it reaches the datetime2 columns.
    /// </summary>
    internal static SqlCommand UpsertCommand(SqlConnection connection, LoginWrite login)
    {
        var command = new SqlCommand(UpsertSql, connection);
        command.Parameters.Add("@OpenId", SqlDbType.NVarChar, 64).Value = login.OpenId;
        command.Parameters.Add("@UnionId", SqlDbType.NVarChar, 64).Value = (object?)login.UnionId ?? DBNull.Value;
        command.Parameters.Add("@SessionKeyProtected", SqlDbType.NVarChar, -1).Value = login.SessionKeyProtected;
        command.Parameters.Add("@TokenDigest", SqlDbType.VarBinary, 32).Value = login.TokenDigest;
        command.Parameters.Add("@TokenExpiresAt", SqlDbType.DateTime2).Value = login.TokenExpiresAt;
        command.Parameters.Add("@Now", SqlDbType.DateTime2).Value = login.Now;
        return command;
    }

    internal static SqlCommand RevokeCommand(SqlConnection connection, int userId, byte[] tokenDigest, DateTime now)
    {
        var command = new SqlCommand(RevokeSql, connection);
        command.Parameters.Add("@id", SqlDbType.Int).Value = userId;
        command.Parameters.Add("@digest", SqlDbType.VarBinary, 32).Value = tokenDigest;
        command.Parameters.Add("@now", SqlDbType.DateTime2).Value = now;
        return command;
    }
}
