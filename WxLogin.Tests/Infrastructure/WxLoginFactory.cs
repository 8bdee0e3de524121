using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using WxLogin.Web.Extensions;
using WxLogin.Web.Filters;
using WxLogin.Web.Models;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// The real app (real pipeline, real database, WeChat emulator behind the real typed client) with
/// a clock the test controls and every log line captured. One per fixture; each has its own database
/// on its provider (a SQLite file by default, or one in the run's PostgreSQL cluster or SQL Server container).
/// </summary>
public sealed class WxLoginFactory : WebApplicationFactory<Program>
{
    // Shaped like real ones ("wx" + 16 hex, 32 hex), as Live mode requires.
    public const string AppId = "wx0a1b2c3d4e5f6789";
    public const string AppSecret = "5ec7e75ec7e75ec7e75ec7e75ec7e700";

    private readonly Dictionary<string, string?> _settings;

    /// <param name="provider">where the app's database lives; a provider that cannot run here skips the test, with the reason.</param>
    public WxLoginFactory(IDictionary<string, string?>? settings = null, string environment = DevelopmentOnlyConvention.TestingEnvironment,
        DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        Environment = environment;
        Database = TestDatabase.Create(provider);
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["WeChat:Mode"] = "Emulator",
            ["WeChat:AppId"] = AppId,
            ["WeChat:AppSecret"] = AppSecret,
            ["WeChat:Timeout"] = "00:00:01",
            ["ConnectionStrings:Default"] = Database.ConnectionString,
            // Fixtures share one "unknown" client address; the abuse-limit tests set their own limit.
            ["Auth:RejectedCodesPerMinute"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Environment { get; }

    public TestDatabase Database { get; }

    public DatabaseProvider Provider => Database.Provider;

    /// <summary>The SQLite file (SQLite only).</summary>
    public string DatabasePath => Provider == DatabaseProvider.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Database.ConnectionString).DataSource
        : throw new InvalidOperationException($"The database is on {Provider}, not in a SQLite file.");

    public ManualTimeProvider Clock { get; } = new();

    /// <summary>When set, WeChat is this handler instead of the emulator (and Mode should be Live).</summary>
    public HttpMessageHandler? WeChatHandler { get; init; }

    /// <summary>Every log line the app wrote, formatted, exception text included.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public string ConnectionString => Database.ConnectionString;

    /// <summary>An EF Core context on the app's database, beside the app.</summary>
    public Web.Data.AppDbContext OpenDb() => Database.OpenContext();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            if (WeChatHandler is { } handler)
            {
                services.AddHttpClient<IWeChatClient, WeChatClient>().ConfigurePrimaryHttpMessageHandler(() => handler);
            }
        });
    }

    /// <summary>
    /// Serves on Kestrel at 127.0.0.1 on a free port instead of TestServer (for what only a real server
    /// does: body limits and timeouts, framing, headers) and returns its address.
    /// </summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>Logs in with an emulator code and returns the answer.</summary>
    public async Task<LoginResponse> LoginAsync(string code, HttpClient? client = null)
    {
        client ??= CreateClient();
        var response = await client.PostAsJsonAsync("/api/user/login", new { code });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<LoginResponse>())!;
    }

    /// <summary>
    /// Starts the app expecting it to refuse (invalid settings) and returns what it said about why:
    /// its critical start-up lines, one per problem.
    /// </summary>
    public string StartFailure()
    {
        Assert.Catch(() => CreateClient());
        var said = Logs.Where(line => line.StartsWith("Critical WxLogin.Startup", StringComparison.Ordinal)).ToList();
        Assert.That(said, Is.Not.Empty, string.Join("\n", Logs));
        return string.Join("\n", said);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Database?.Dispose(); // null when the constructor skipped the test before creating it
    }
}
