using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// SQL Server 2022 in a Testcontainers container for this test run, where a Docker daemon answers:
/// started on first use, removed by <see cref="TestRun"/>. Without a daemon, <see cref="Require"/> skips
/// the test with the reason, after one quick look at the socket (no waiting for Docker).
/// </summary>
public sealed class SqlServerContainer
{
    public const string Image = "mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04";

    private static readonly Lazy<SqlServerContainer?> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string? _skipReason;

    private readonly MsSqlContainer _container;

    private SqlServerContainer(MsSqlContainer container) => _container = container;

    /// <summary>The running container; skips the calling test (Ignored, with the reason) where Docker does not answer.</summary>
    public static SqlServerContainer Require()
    {
        if (Shared.Value is { } container)
        {
            return container;
        }
        Assert.Ignore($"SQL Server skipped: {_skipReason} (the lane runs where a Docker daemon is reachable, as in .github/workflows/ci.yml).");
        return null!;
    }

    public TestDatabase CreateDatabase()
    {
        var name = $"wxlogin_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE [{name}]");
        var connectionString = new SqlConnectionStringBuilder(_container.GetConnectionString()) { InitialCatalog = name }.ConnectionString;
        return new TestDatabase(DatabaseProvider.SqlServer, connectionString, drop: () =>
            Execute($"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]"));
    }

    public static void StopIfStarted()
    {
        if (Shared is { IsValueCreated: true, Value: { } started })
        {
            started._container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void Execute(string sql)
    {
        var master = new SqlConnectionStringBuilder(_container.GetConnectionString()) { InitialCatalog = "master", Pooling = false };
        using var connection = new SqlConnection(master.ConnectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static SqlServerContainer? Start()
    {
        _skipReason = DockerUnreachable();
        if (_skipReason is not null)
        {
            return null;
        }
        var container = new MsSqlBuilder(Image).Build();
        container.StartAsync().GetAwaiter().GetResult();
        return new SqlServerContainer(container);
    }

    /// <summary>Why no Docker daemon answers (null when one does): DOCKER_HOST, else the default unix socket.</summary>
    private static string? DockerUnreachable()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (dockerHost is { Length: > 0 } && !dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            return null; // a TCP or SSH daemon: Testcontainers connects and reports for itself
        }
        var socketPath = dockerHost is { Length: > 0 } ? dockerHost["unix://".Length..] : "/var/run/docker.sock";
        if (!File.Exists(socketPath))
        {
            return $"no Docker daemon: {socketPath} does not exist (DOCKER_HOST {(dockerHost is { Length: > 0 } ? "= " + dockerHost : "unset")})";
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return null;
        }
        catch (SocketException exception)
        {
            return $"no Docker daemon: {socketPath} refuses connections ({exception.SocketErrorCode})";
        }
    }
}
