using System.Diagnostics;
using System.Net;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Benchmarks;

/// <summary>
/// How much [CheckToken] costs per request: GET /api/user/me through the whole pipeline (in-memory
/// TestServer, real SQLite file). Explicit: CI skips it; run it with
/// <c>dotnet test WxLogin.sln -c Release --filter "FullyQualifiedName~Benchmarks"</c>. Bounded: a few seconds.
/// </summary>
[Explicit("Benchmark: run on demand")]
[Category("Benchmark")]
[NonParallelizable]
public sealed class CheckTokenBenchmark
{
    private const int Users = 1_000;
    private const int Requests = 5_000;
    private const int Concurrency = 8;

    [Test]
    public async Task Me_WithValidToken()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        var tokens = new List<string>();
        for (var i = 0; i < Users; i++)
        {
            tokens.Add((await factory.LoginAsync($"bench{i}", client)).Token);
        }

        async Task<TimeSpan> OneAsync(int i)
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/user/me");
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {tokens[i % Users]}");
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Fail($"/api/user/me answered {response.StatusCode}");
            }
            return Stopwatch.GetElapsedTime(started);
        }

        for (var i = 0; i < 500; i++)
        {
            await OneAsync(i);
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        var latencies = new TimeSpan[Requests];
        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
            async (i, _) => latencies[i] = await OneAsync(i));
        wall.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Array.Sort(latencies);
        TestContext.Out.WriteLine($"GET /api/user/me with [CheckToken], {Users} users, {Requests} requests, {Concurrency} at a time");
        TestContext.Out.WriteLine($"  throughput  {Requests / wall.Elapsed.TotalSeconds:F0} requests/s");
        TestContext.Out.WriteLine($"  latency     p50 {latencies[Requests / 2].TotalMilliseconds:F2} ms, p99 {latencies[Requests * 99 / 100].TotalMilliseconds:F2} ms");
        TestContext.Out.WriteLine($"  allocated   {allocated / Requests / 1024.0:F1} KiB per request (client and server, whole process)");
    }
}
