using Dapper;
using Microsoft.Extensions.Options;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.PostgreSql;

/// <summary>
/// PostgreSQL: find-or-create by openid is one INSERT … ON CONFLICT DO UPDATE, atomic on the unique
/// index, so two first logins of one openid, on any instances, both end on the same row. Each runs in
/// its own implicit transaction; with synchronous_commit on (the default) it answers once the WAL is
/// flushed, and concurrent commits share a flush.
/// </summary>
public sealed class PostgreSqlLoginStore(PostgreSqlConnections connections, IOptions<DatabaseOptions> options) : LoginStore
{
    internal static readonly string UpsertSql = $"""
        INSERT INTO "Users" ("OpenId", "UnionId", "SessionKeyProtected", "TokenDigest", "TokenExpiresAt", "CreatedAt", "UpdatedAt")
        VALUES (@OpenId, @UnionId, @SessionKeyProtected, @TokenDigest, @TokenExpiresAt, @Now, @Now)
        ON CONFLICT ("OpenId") DO UPDATE SET
            "UnionId" = COALESCE(EXCLUDED."UnionId", "Users"."UnionId"),
            "SessionKeyProtected" = EXCLUDED."SessionKeyProtected",
            "ReplacedTokenDigest" = CASE WHEN "Users"."TokenExpiresAt" > EXCLUDED."UpdatedAt" THEN "Users"."TokenDigest" END,
            "TokenDigest" = EXCLUDED."TokenDigest",
            "TokenExpiresAt" = EXCLUDED."TokenExpiresAt",
            "UpdatedAt" = EXCLUDED."UpdatedAt"
        RETURNING {UserProjection.Columns}
        """;

    // Only the token the request came with: a newer login's token stays valid.
    internal const string RevokeSql = """
        UPDATE "Users" SET "TokenDigest" = NULL, "TokenExpiresAt" = NULL, "UpdatedAt" = @now
        WHERE "Id" = @id AND "TokenDigest" = @digest
        """;

    private int CommandTimeoutSeconds => Math.Max(1, (int)Math.Ceiling(options.Value.WriteTimeout.TotalSeconds));

    public override async Task<UserSnapshot> SaveLoginAsync(LoginWrite login, CancellationToken cancellationToken)
    {
        await using var connection = connections.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(UpsertSql, login,
            commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken));
        return await reader.ReadAsync(cancellationToken)
            ? UserProjection.Read(reader)
            : throw new InvalidOperationException("The login upsert answered no row.");
    }

    public override async Task<bool> RevokeTokenAsync(int userId, byte[] tokenDigest, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = connections.CreateConnection();
        return await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { id = userId, digest = tokenDigest, now },
            commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken)) == 1;
    }
}
