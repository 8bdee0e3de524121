using System.Data.Common;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>
/// The one list of user columns that a login answers with and [CheckToken] reads, and the one reader
/// of such a row. Every provider's upsert, token read and readiness check use it. The names are
/// double-quoted, which SQLite, SQL Server (QUOTED_IDENTIFIER ON, SqlClient's default) and
/// PostgreSQL (whose tables keep these mixed-case names) all accept.
/// </summary>
public static class UserProjection
{
    private static readonly string[] Names =
        ["Id", "OpenId", "UnionId", "Nickname", "AvatarUrl", "PhoneNumber", "TokenExpiresAt", "CreatedAt", "UpdatedAt"];

    /// <summary>The columns <see cref="Read"/> expects, in its order.</summary>
    public static readonly string Columns = Quoted(Names, prefix: "");

    /// <summary>The same columns as SQL Server's OUTPUT clause names them.</summary>
    public static readonly string InsertedColumns = Quoted(Names, prefix: "inserted.");

    /// <summary>Every column of Users the service reads or writes: readiness checks they all exist.</summary>
    public static readonly string AllColumns =
        Columns + ", " + Quoted(["PurePhoneNumber", "CountryCode", "SessionKeyProtected", "TokenDigest", "ReplacedTokenDigest"], prefix: "");

    public static UserSnapshot Read(DbDataReader reader) => new(
        Id: reader.GetInt32(0),
        OpenId: reader.GetString(1),
        UnionId: reader.IsDBNull(2) ? null : reader.GetString(2),
        Nickname: reader.IsDBNull(3) ? null : reader.GetString(3),
        AvatarUrl: reader.IsDBNull(4) ? null : reader.GetString(4),
        PhoneNumber: reader.IsDBNull(5) ? null : reader.GetString(5),
        // SQLite (text) and SQL Server (datetime2) store no zone, PostgreSQL answers UTC: every timestamp is UTC.
        TokenExpiresAt: reader.IsDBNull(6) ? null : Utc(reader.GetDateTime(6)),
        CreatedAt: Utc(reader.GetDateTime(7)),
        UpdatedAt: Utc(reader.GetDateTime(8)));

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static string Quoted(string[] names, string prefix) => string.Join(", ", names.Select(name => $"{prefix}\"{name}\""));
}
