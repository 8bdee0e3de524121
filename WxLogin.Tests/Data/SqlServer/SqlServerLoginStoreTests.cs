using System.Data;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>The commands the SQL Server store sends, built without a server and read parameter by parameter.</summary>
public sealed class SqlServerLoginStoreTests
{
    // A time with ticks datetime cannot hold: it would reach the column rounded to 3.33 ms.
    private static readonly DateTime Now = new DateTime(2026, 12, 3, 9, 15, 30, 123, DateTimeKind.Utc).AddTicks(4567);

    private static Dictionary<string, SqlParameter> Parameters(SqlCommand command) =>
        command.Parameters.Cast<SqlParameter>().ToDictionary(p => p.ParameterName);

    [Test]
    public void Upsert_BindsItsTimestampsAsDatetime2_AndEveryParameterAsItsColumn()
    {
        var login = new LoginWrite("o-1", null, "protected", new byte[32], Now.AddDays(7), Now);
        using var connection = new SqlConnection();

        using var command = SqlServerLoginStore.UpsertCommand(connection, login);
        var parameters = Parameters(command);

        Assert.Multiple(() =>
        {
            Assert.That(command.CommandText, Is.EqualTo(SqlServerLoginStore.UpsertSql));
            Assert.That(parameters["@TokenExpiresAt"].SqlDbType, Is.EqualTo(SqlDbType.DateTime2));
            Assert.That(parameters["@Now"].SqlDbType, Is.EqualTo(SqlDbType.DateTime2));
            Assert.That(parameters["@Now"].Value, Is.EqualTo(Now), "the full precision is sent");
            Assert.That(parameters["@OpenId"], Has.Property(nameof(SqlParameter.SqlDbType)).EqualTo(SqlDbType.NVarChar).And.Property(nameof(SqlParameter.Size)).EqualTo(64));
            Assert.That(parameters["@UnionId"].Value, Is.EqualTo(DBNull.Value));
            Assert.That(parameters["@TokenDigest"].SqlDbType, Is.EqualTo(SqlDbType.VarBinary));
            Assert.That(parameters.Keys, Is.EquivalentTo(ParameterNamesIn(SqlServerLoginStore.UpsertSql)), "every @name in the SQL is bound, and nothing else");
        });
    }

    [Test]
    public void Revoke_BindsItsTimestampAsDatetime2()
    {
        using var connection = new SqlConnection();

        using var command = SqlServerLoginStore.RevokeCommand(connection, 7, new byte[32], Now);
        var parameters = Parameters(command);

        Assert.Multiple(() =>
        {
            Assert.That(command.CommandText, Is.EqualTo(SqlServerLoginStore.RevokeSql));
            Assert.That(parameters["@now"].SqlDbType, Is.EqualTo(SqlDbType.DateTime2));
            Assert.That(parameters["@now"].Value, Is.EqualTo(Now));
            Assert.That(parameters.Keys, Is.EquivalentTo(ParameterNamesIn(SqlServerLoginStore.RevokeSql)));
        });
    }

    private static IEnumerable<string> ParameterNamesIn(string sql) =>
        Regex.Matches(sql, @"(?<![@\w])@[A-Za-z]\w*").Select(m => m.Value).Distinct(); // not @@ROWCOUNT
}
