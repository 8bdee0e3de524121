using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.SqlServer;

/// <param name="connectionString">a SqlClient connection string.</param>
/// <param name="compatibilityLevel">the database's compatibility level (Database:SqlServerCompatibilityLevel): EF Core
/// writes SQL for it, so it must not exceed the database's.</param>
public sealed class SqlServerConnections(
    string connectionString, int compatibilityLevel = DatabaseOptions.DefaultSqlServerCompatibilityLevel) : DatabaseConnections
{
    public override string ConnectionString { get; } = WithApplicationName(connectionString);

    public int CompatibilityLevel { get; } = compatibilityLevel;

    public override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

    public override void ConfigureEf(DbContextOptionsBuilder options) =>
        options.UseSqlServer(ConnectionString, sql => sql.UseCompatibilityLevel(CompatibilityLevel));

    public override string Describe()
    {
        var builder = new SqlConnectionStringBuilder(ConnectionString);
        return $"SqlServer server {builder.DataSource}, database {builder.InitialCatalog}";
    }

    /// <summary>
    /// EF Core 10 adds its own Application Name to a connection string that has none, so EF's writes and
    /// the token read would use two strings and so two SqlClient pools. Naming the app here
    /// keeps one string, one pool (and shows "WxLogin" as program_name in sys.dm_exec_sessions).
    /// </summary>
    private static string WithApplicationName(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        if (!builder.ShouldSerialize("Application Name"))
        {
            builder.ApplicationName = "WxLogin";
        }
        return builder.ConnectionString;
    }
}
