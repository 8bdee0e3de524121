using Dapper;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>
/// The lookup behind every [CheckToken] request: one indexed query (IX_Users_TokenDigest) through
/// Dapper, no change tracking, no session_key read.
/// </summary>
public sealed class UserTokenQuery(DatabaseDialect dialect, TokenCache cache)
{
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

    private async Task<User?> QueryAsync(byte[] digest, CancellationToken cancellationToken)
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
