using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using WxLogin.Web.Extensions;
using WxLogin.Web.Filters;
using WxLogin.Web.Options;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>What is wrong with the database file itself, as the SqliteException a request would have met.</summary>
public sealed record SqliteFileFault(string Description, int Code, int ExtendedCode)
{
    public SqliteException ToException() => new(Description, Code, ExtendedCode);
}

/// <summary>
/// The database file under its path. Notices, without waiting for a write, when the file this process
/// opened was deleted, moved or replaced: every reader and the writer then reopen (SQLite alone would
/// go on serving and writing the deleted file). The check reads /proc once a second at most, however
/// many requests ask. Outside Development it also leaves a marker beside the file after a successful
/// start, so a later start that finds the file missing refuses instead of creating an empty database.
/// </summary>
public sealed class SqliteDatabaseFile : IHostedService, IDisposable
{
    /// <summary>How stale a request's view of the file may be: one check per this many milliseconds.</summary>
    private const long CheckIntervalMs = 1000;

    private readonly SqliteConnections _connections;
    private readonly DatabaseFileIdentity? _identity;
    private readonly bool _guarded;
    private readonly Lock _lock = new();
    private long _checkedAt = -CheckIntervalMs;
    private volatile SqliteFileFault? _fault;

    public SqliteDatabaseFile(SqliteConnections connections, IHostEnvironment environment)
        : this(connections, IsGuarded(environment))
    {
    }

    /// <summary>Unguarded (no marker), as in Development: for tests that build the pieces by hand.</summary>
    internal SqliteDatabaseFile(SqliteConnections connections, bool guarded = false)
    {
        _connections = connections;
        _identity = connections.FilePath is { } path ? new DatabaseFileIdentity(path) : null;
        _guarded = guarded;
    }

    /// <summary>The marker a successful start leaves beside the database file (outside Development).</summary>
    public static string MarkerPath(string databasePath) => databasePath + ".started";

    /// <summary>The file's fault as of the last check, checked again when that is older than a second.</summary>
    public SqliteFileFault? Fault()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _checkedAt);
        if (now - last < CheckIntervalMs || Interlocked.CompareExchange(ref _checkedAt, now, last) != last)
        {
            return _fault;
        }
        return CheckNow();
    }

    /// <summary>Checks the file now (readiness): gone, moved or replaced since it was opened, or missing.</summary>
    public SqliteFileFault? CheckNow()
    {
        if (_identity is null)
        {
            return null;
        }
        lock (_lock)
        {
            Interlocked.Exchange(ref _checkedAt, Environment.TickCount64);
            if (_identity.HasMoved())
            {
                _identity.Forget();
                _connections.Reset();
                return _fault = new SqliteFileFault(
                    "The database file was deleted, moved or replaced while the service ran.", SqliteFaults.ReadOnly, SqliteFaults.ReadOnlyDbMoved);
            }
            try
            {
                _identity.Pin(); // the file back in place, or the one there now: used from here on
                return _fault = null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return _fault = new SqliteFileFault($"The database file {_identity.Path} cannot be opened: {ex.Message}",
                    SqliteFaults.CantOpen, SqliteFaults.CantOpen);
            }
        }
    }

    /// <summary>After the schema scripts ran: remembers the file, and (outside Development) that the service ran on it.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_identity is not null && CheckNow() is null && _guarded && !File.Exists(MarkerPath(_identity.Path)))
        {
            File.WriteAllText(MarkerPath(_identity.Path),
                "WxLogin has started on the database file beside this one. If that file goes missing, WxLogin refuses to start " +
                "rather than create an empty database; Database__CreateIfMissing=true starts afresh deliberately.\n");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _identity?.Dispose();

    /// <summary>Development (and the tests' Testing environment) keep creating a missing database for convenience.</summary>
    internal static bool IsGuarded(IHostEnvironment environment) =>
        !environment.IsDevelopment() && !environment.IsEnvironment(DevelopmentOnlyConvention.TestingEnvironment);

    /// <summary>
    /// At start, before the schema scripts could create the file: a missing database where the service
    /// ran before is refused, in one line naming the path and the setting that starts afresh.
    /// </summary>
    public sealed class MissingFileCheck(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<DatabaseOptions>
    {
        // Reads the path from configuration: SqliteConnections itself is built from these options.
        public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
            configuration.GetConnectionString("Default") is { } connectionString
                && SqliteConnections.FileOf(SqliteConnections.AnchorFile(connectionString, environment.ContentRootPath)) is { } path
                && IsGuarded(environment) && !options.CreateIfMissing
                && !File.Exists(path) && File.Exists(MarkerPath(path))
                ? ValidateOptionsResult.Fail(
                    $"The database file {path} is missing, but WxLogin ran on it before ({MarkerPath(path)}). Restore it, " +
                    "or start with Database__CreateIfMissing=true to create an empty database deliberately (every user starts afresh).")
                : ValidateOptionsResult.Success;
    }
}
