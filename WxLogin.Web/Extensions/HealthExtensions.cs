using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace WxLogin.Web.Extensions;

/// <summary>
/// /health/live: the process answers (no checks: a load balancer must not restart us because the
/// database is down). /health/ready and /health: every check tagged <see cref="ReadyTag"/> passes
/// (database schema and writes, key ring): take the instance out of rotation when one fails.
/// </summary>
public static class HealthExtensions
{
    /// <summary>The tag of the checks a request needs to pass (readiness).</summary>
    public const string ReadyTag = "ready";

    public static void MapWxLoginHealthChecks(this WebApplication app)
    {
        var readiness = new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) };
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", readiness);
        app.MapHealthChecks("/health", readiness);
    }
}
