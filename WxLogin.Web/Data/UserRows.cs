using System.Data.Common;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>Reads a user row selected with <see cref="LoginStore.UserColumns"/>, in that column order.</summary>
internal static class UserRows
{
    public static User Read(DbDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        OpenId = reader.GetString(1),
        UnionId = reader.IsDBNull(2) ? null : reader.GetString(2),
        Nickname = reader.IsDBNull(3) ? null : reader.GetString(3),
        AvatarUrl = reader.IsDBNull(4) ? null : reader.GetString(4),
        PhoneNumber = reader.IsDBNull(5) ? null : reader.GetString(5),
        // Stored without a zone (SQLite: text, SQL Server: datetime2); every timestamp is UTC.
        TokenExpiresAt = reader.IsDBNull(6) ? null : Utc(reader.GetDateTime(6)),
        CreatedAt = Utc(reader.GetDateTime(7)),
        UpdatedAt = Utc(reader.GetDateTime(8)),
    };

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
