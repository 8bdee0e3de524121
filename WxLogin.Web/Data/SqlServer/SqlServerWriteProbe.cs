using System.Data.Common;

namespace WxLogin.Web.Data.SqlServer;

/// <summary>A database set READ_ONLY (or in single-user or restore) says so in DATABASEPROPERTYEX.</summary>
public sealed class SqlServerWriteProbe : WriteProbe
{
    public override async Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT CONVERT(nvarchar(20), DATABASEPROPERTYEX(DB_NAME(), 'Updateability'))";
        var updateability = await command.ExecuteScalarAsync(cancellationToken) as string;
        return updateability == "READ_WRITE" ? null : $"the database is {updateability ?? "not updatable"}";
    }
}
