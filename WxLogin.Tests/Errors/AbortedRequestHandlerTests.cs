using System.Net.Http.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Errors;

/// <summary>
/// A client that hangs up while the server is still working: the driver then throws whatever it throws
/// (SqlClient "Operation cancelled by user", Npgsql its own, SQLite an I/O error), never necessarily an
/// OperationCanceledException. Whatever it is, the request is aborted: Debug, no error, no 500, no 503.
/// </summary>
public sealed class AbortedRequestHandlerTests
{
    public static IEnumerable<TestCaseData> DriverFailures()
    {
        yield return new TestCaseData(new InvalidOperationException("Operation cancelled by user.")).SetArgDisplayNames("unknown to every handler");
        // A storage fault's own exception: the storage handler would answer 503 and log an error.
        yield return new TestCaseData(new SqliteException("disk I/O error", 10)).SetArgDisplayNames("a storage fault");
    }

    [TestCaseSource(nameof(DriverFailures))]
    public async Task AClientThatHangsUp_IsLoggedAtDebug_WithoutAnErrorOrA500_WhateverTheDriverThrows(Exception thrown)
    {
        var wechat = new HangingWeChat(thrown);
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:WxLogin"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        using var app = factory.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<IWeChatClient>(wechat)));
        using var client = app.CreateClient();
        using var hangUp = new CancellationTokenSource();

        var login = client.PostAsJsonAsync("/api/user/login", new { code = "hangs-up.1" }, hangUp.Token);
        await wechat.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        await hangUp.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await login);
        await wechat.Thrown.WaitAsync(TimeSpan.FromSeconds(10));
        var finished = await WaitForLineAsync(factory, "Request finished HTTP/1.1 POST http://localhost/api/user/login");

        Assert.Multiple(() =>
        {
            Assert.That(factory.Logs, Has.Some.StartsWith("Debug WxLogin.Web.Errors.AbortedRequestHandler")
                .And.Contains($"({thrown.GetType().Name})"));
            Assert.That(factory.Logs, Has.None.StartsWith("Error").And.None.StartsWith("Critical"));
            Assert.That(finished, Does.Contain(" - 499 "), "the request log's status");
        });
    }

    private static async Task<string> WaitForLineAsync(WxLoginFactory factory, string start)
    {
        for (var wait = 0; wait < 100; wait++)
        {
            if (factory.Logs.FirstOrDefault(line => line.Contains(start, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"no '{start}' line:\n{string.Join("\n", factory.Logs)}");
        return "";
    }

    /// <summary>WeChat's exchange, holding until the request is aborted, then failing the way a driver does.</summary>
    private sealed class HangingWeChat(Exception thrown) : IWeChatClient
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _thrown = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public Task Thrown => _thrown.Task;

        public async Task<WeChatSession> Code2SessionAsync(string code, CancellationToken cancellationToken)
        {
            _entered.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            _thrown.SetResult();
            throw thrown;
        }

        public Task<WeChatAccessToken> GetStableAccessTokenAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WeChatPhoneNumber> GetUserPhoneNumberAsync(string accessToken, string code, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
