using Dapper;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>
/// The lookup behind every [CheckToken] request: one indexed query (IX_Users_TokenDigest) through
/// Dapper, no change tracking, no session_key read.
/// </summary>
public sealed class UserTokenQuery(DatabaseDialect dialect)
{
    public async Task<User?> FindByTokenDigestAsync(byte[] digest, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT Id, OpenId, UnionId, Nickname, AvatarUrl, PhoneNumber, TokenExpiresAt, CreatedAt, UpdatedAt
            FROM Users
            WHERE TokenDigest = @digest
            """;
        await using var connection = dialect.CreateConnection();
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(
            new CommandDefinition(sql, new { digest }, cancellationToken: cancellationToken));
        return row?.ToUser();
    }

    // Dapper converts what the provider hands over (SQLite: text for times) into these properties.
    private sealed class UserRow
    {
        public long Id { get; init; }
        public string OpenId { get; init; } = "";
        public string? UnionId { get; init; }
        public string? Nickname { get; init; }
        public string? AvatarUrl { get; init; }
        public string? PhoneNumber { get; init; }
        public DateTime? TokenExpiresAt { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }

        public User ToUser() => new()
        {
            Id = checked((int)Id),
            OpenId = OpenId,
            UnionId = UnionId,
            Nickname = Nickname,
            AvatarUrl = AvatarUrl,
            PhoneNumber = PhoneNumber,
            TokenExpiresAt = TokenExpiresAt is { } expires ? DateTime.SpecifyKind(expires, DateTimeKind.Utc) : null,
            CreatedAt = DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc),
            UpdatedAt = DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc),
        };
    }
}
