using WxLogin.Tests.Infrastructure;

// In the root namespace of the tests, so its teardown runs once after every fixture of the run.
namespace WxLogin.Tests;

/// <summary>Once per test run: stops the database servers the run started (PostgreSQL cluster, SQL Server container).</summary>
[SetUpFixture]
public sealed class TestRun
{
    [OneTimeTearDown]
    public void StopDatabaseServers()
    {
        PostgreSqlCluster.StopIfStarted();
        SqlServerContainer.StopIfStarted();
    }
}
