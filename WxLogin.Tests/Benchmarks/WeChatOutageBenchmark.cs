using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Benchmarks;

/// <summary>
/// GET /api/user/me latency while WeChat hangs and logins keep coming: a local TCP listener on
/// 127.0.0.1 accepts WeChat connections and never answers (Live mode, the real SocketsHttpHandler),
/// logins run 16 at a time, and /me is timed alongside, with the circuit breaker as shipped and with it
/// effectively off. Explicit: CI skips it; run it with
/// <c>dotnet test WxLogin.sln -c Release --filter "FullyQualifiedName~WeChatOutageBenchmark"</c>. Bounded: about 30 s.
/// </summary>
[Explicit("Benchmark: run on demand")]
[Category("Benchmark")]
[NonParallelizable]
public sealed class WeChatOutageBenchmark
{
    private const int LoginConcurrency = 16;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(12);

    [TestCase("10", Description = "circuit breaker as shipped (10 failures, 15 s break)")]
    [TestCase("1000", Description = "circuit breaker effectively off")]
    public async Task Me_WhileWeChatHangs(string failureThreshold)
    {
        using var hangingWeChat = new TcpListener(IPAddress.Loopback, 0);
        hangingWeChat.Start();
        using var stop = new CancellationTokenSource(Phase + TimeSpan.FromSeconds(20));
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await hangingWeChat.AcceptTcpClientAsync(stop.Token)); // accepted, never answered
            }
        });

        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["WeChat:Mode"] = "Live",
            ["WeChat:ApiBaseUrl"] = $"http://127.0.0.1:{((IPEndPoint)hangingWeChat.LocalEndpoint).Port}/",
            ["WeChat:Timeout"] = "00:00:05",
            ["WeChat:CircuitBreaker:FailureThreshold"] = failureThreshold,
        });
        using var client = factory.CreateClient();
        var token = await TokenFromAnEmulatorInstanceAsync(factory);
        await TimeMeAsync(client, token, TimeSpan.FromSeconds(1), null); // warm-up

        var baseline = await TimeMeAsync(client, token, TimeSpan.FromSeconds(2), null);
        var loginLatencies = new List<TimeSpan>();
        var loginStatuses = new Dictionary<int, int>();
        var loadEnds = DateTime.UtcNow + Phase;
        var load = Enumerable.Range(0, LoginConcurrency).Select(async worker =>
        {
            var i = 0;
            while (DateTime.UtcNow < loadEnds)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync("/api/user/login", new { code = $"outage{worker}x{i++}" });
                lock (loginLatencies)
                {
                    loginLatencies.Add(Stopwatch.GetElapsedTime(started));
                    loginStatuses[(int)response.StatusCode] = loginStatuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }
            }
        }).ToArray();
        var underLoad = await TimeMeAsync(client, token, Phase, loadEnds);
        await Task.WhenAll(load);
        await stop.CancelAsync();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }
        held.ForEach(connection => connection.Dispose());

        loginLatencies.Sort();
        TestContext.Out.WriteLine($"WeChat hanging (accepts, never answers), Timeout 5 s, FailureThreshold {failureThreshold}, {LoginConcurrency} logins at a time for {Phase.TotalSeconds} s");
        TestContext.Out.WriteLine($"  logins: {loginLatencies.Count} answered ({string.Join(", ", loginStatuses.Select(s => $"{s.Value}×{s.Key}"))}), " +
            $"p50 {Percentile(loginLatencies, 0.50).TotalMilliseconds:F0} ms, p99 {Percentile(loginLatencies, 0.99).TotalMilliseconds:F0} ms");
        TestContext.Out.WriteLine($"  /api/user/me without load: {baseline}");
        TestContext.Out.WriteLine($"  /api/user/me during the outage: {underLoad}");
        Assert.That(underLoad.Count, Is.GreaterThan(0));
    }

    /// <summary>A reader's token, from a second app on the same database whose WeChat (the emulator) answers.</summary>
    private static async Task<string> TokenFromAnEmulatorInstanceAsync(WxLoginFactory outage)
    {
        using var before = new WxLoginFactory(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = outage.ConnectionString });
        return (await before.LoginAsync("outage-reader.1")).Token;
    }

    private static async Task<MeLatency> TimeMeAsync(HttpClient client, string token, TimeSpan duration, DateTime? until)
    {
        var latencies = new List<TimeSpan>();
        var ends = until ?? DateTime.UtcNow + duration;
        while (DateTime.UtcNow < ends)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetMeAsync(token);
            latencies.Add(Stopwatch.GetElapsedTime(started));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await Task.Delay(20);
        }
        latencies.Sort();
        return new MeLatency(latencies.Count, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    private sealed record MeLatency(int Count, TimeSpan P50, TimeSpan P99, TimeSpan Max)
    {
        public override string ToString() =>
            $"{Count} requests, p50 {P50.TotalMilliseconds:F1} ms, p99 {P99.TotalMilliseconds:F1} ms, max {Max.TotalMilliseconds:F1} ms";
    }
}
