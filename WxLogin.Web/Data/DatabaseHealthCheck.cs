using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WxLogin.Web.Data;

/// <summary>
/// Readiness (tag "ready"): what a request needs from the database. It opens (a SQLite file that
/// vanished is not created again), holds every script's changes (SchemaVersions and the Users
/// columns, not just SELECT 1), takes writes (probed without writing), and the last login write did
/// not fail (a full disk shows only when something is written).
/// </summary>
public sealed class DatabaseHealthCheck(
    DatabaseConnections connections,
    SchemaMigrator migrator,
    WriteProbe writeProbe,
    StorageFaults faults,
    LoginStore store) : IHealthCheck
{
    // Every column the service reads or writes; a missing one fails here rather than in a request.
    private static readonly string UsersColumnsSql = $"""SELECT {UserProjection.AllColumns} FROM "Users" WHERE 1 = 0""";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = connections.CreateConnection();
            await connection.OpenAsync(cancellationToken);

            var expected = migrator.Scripts().Max(script => script.Version);
            var applied = await ScalarAsync(connection, """SELECT MAX("Version") FROM "SchemaVersions" """, cancellationToken);
            if (applied is not { } version || Convert.ToInt32(version) < expected)
            {
                return HealthCheckResult.Unhealthy(
                    $"The database schema is at version {applied ?? "none"}; this build needs {expected}. Run the scripts in database/.");
            }
            await ScalarAsync(connection, UsersColumnsSql, cancellationToken);

            if (await writeProbe.ProbeAsync(connection, cancellationToken) is { } notWritable)
            {
                return HealthCheckResult.Unhealthy($"The database does not take writes: {notWritable}.");
            }
            if (store.CurrentFault is { } fault)
            {
                return HealthCheckResult.Unhealthy($"The last login write failed: {fault}.");
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var cause = faults.Describe(ex) ?? ex.Message;
            return HealthCheckResult.Unhealthy($"The database cannot serve: {cause}.");
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
