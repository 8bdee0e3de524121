using System.Diagnostics;
using Npgsql;

namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster for this test run: initdb into a temporary folder (trust, user postgres),
/// listening on a free loopback port only, its socket in that folder. Started on first use, stopped and
/// deleted by <see cref="TestRun"/>. Where no PostgreSQL server binaries exist, nothing is installed and
/// <see cref="Require"/> skips the test with the reason.
/// </summary>
public sealed class PostgreSqlCluster
{
    private static readonly Lazy<PostgreSqlCluster?> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _folder;
    private readonly string _binaries;

    private PostgreSqlCluster(string folder, string binaries, int port)
    {
        _folder = folder;
        _binaries = binaries;
        Port = port;
    }

    public int Port { get; }

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The folder of initdb/pg_ctl: $WXLOGIN_PG_BIN when set, else the newest /usr/lib/postgresql/*/bin (Debian's layout).</summary>
    public static string? Binaries =>
        Environment.GetEnvironmentVariable("WXLOGIN_PG_BIN") is { Length: > 0 } configured
            ? File.Exists(Path.Combine(configured, "initdb")) ? configured : null
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(version => Path.Combine(version, "bin"))
                    .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                    .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                    .FirstOrDefault()
                : null;

    /// <summary>The running cluster; skips the calling test (Ignored, with the reason) where there are no binaries.</summary>
    public static PostgreSqlCluster Require()
    {
        if (Shared.Value is { } cluster)
        {
            return cluster;
        }
        Assert.Ignore("PostgreSQL skipped: no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin or $WXLOGIN_PG_BIN; "
            + ".ci/run installs Debian's postgresql package.");
        return null!;
    }

    /// <summary>An empty database of its own, dropped with it.</summary>
    public TestDatabase CreateDatabase()
    {
        var name = $"wxlogin_{Guid.NewGuid():N}";
        Execute($"""CREATE DATABASE "{name}" """);
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = name,
            Username = "postgres",
        }.ConnectionString;
        return new TestDatabase(DatabaseProvider.PostgreSql, connectionString,
            drop: () => Execute($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"""));
    }

    /// <summary>Runs one statement in the maintenance database "postgres".</summary>
    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Stops the shared cluster if this run started one, and deletes its folder.</summary>
    public static void StopIfStarted()
    {
        if (Shared is { IsValueCreated: true, Value: { } cluster })
        {
            cluster.Delete();
        }
    }

    /// <summary>A cluster of the caller's own, for a test that stops and starts the server; skips where there are no binaries.</summary>
    public static PostgreSqlCluster StartPrivate()
    {
        if (Start() is { } cluster)
        {
            return cluster;
        }
        Require();
        return null!;
    }

    /// <summary>Stops the server (a fast shutdown: clients are disconnected); the data stays.</summary>
    public void StopServer() => Run("pg_ctl", "-D", DataFolder, "-m", "fast", "-w", "stop");

    /// <summary>Starts the server on its port again.</summary>
    public void StartServer() =>
        // Durability of the cluster itself is not under test (the app is killed in tests, never the server).
        Run("pg_ctl", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o",
            $"-c listen_addresses=127.0.0.1 -p {Port} -k {_folder} -c max_connections=400 -c fsync=off -c full_page_writes=off",
            "start");

    /// <summary>Stops the server at once (unless a test left it stopped) and deletes the cluster's folder.</summary>
    public void Delete()
    {
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            Run("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "stop");
        }
        Directory.Delete(_folder, recursive: true);
    }

    private static PostgreSqlCluster? Start()
    {
        if (Binaries is not { } binaries)
        {
            return null;
        }
        var folder = Directory.CreateTempSubdirectory("wxlogin-pg-").FullName;
        if (Environment.IsPrivilegedProcess)
        {
            // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
            RunProcess("chown", asClusterOwner: false, "-R", "postgres:", folder);
        }
        var cluster = new PostgreSqlCluster(folder, binaries, ServerProcess.FreeLoopbackPort());
        cluster.Run("initdb", "-D", cluster.DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync");
        cluster.StartServer();
        return cluster;
    }

    private void Run(string program, params string[] arguments) =>
        RunProcess(Path.Combine(_binaries, program), asClusterOwner: Environment.IsPrivilegedProcess, arguments);

    private static void RunProcess(string program, bool asClusterOwner, params string[] arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asClusterOwner)
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }
    }
}
