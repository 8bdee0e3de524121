using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Telemetry;

/// <summary>
/// GET /metrics in Prometheus text: our instruments by their contract names and tags, the framework's
/// meters with our error-code tag, and only for loopback or Metrics:AllowedNetworks. NonParallelizable: OpenTelemetry listens
/// to meters by name, so another app running at the same time would add to the counts.
/// </summary>
[NonParallelizable]
public sealed class MetricsTests
{
    [Test]
    public async Task Answers_AreCountedByRouteStatusAndErrorCode_OnTheFrameworksRequestDuration()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();

        var ok = await factory.LoginAsync("metrics-alice.1", client);
        await client.PostAsJsonAsync("/api/user/login", new { code = "wx-40029" });
        await client.PostAsJsonAsync("/api/user/login", new { code = "wx-http500" });
        await client.PostAsJsonAsync("/api/user/login", new { code = "" });
        var metrics = await ScrapeAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(Logins(metrics, "http_response_status_code=\"200\""), Is.EqualTo(1), metrics);
            Assert.That(Logins(metrics, "wxlogin_code="), Is.EqualTo(3), "every failure carries its code, success none");
            Assert.That(Logins(metrics, "http_response_status_code=\"400\"", "wxlogin_code=\"code_invalid\""), Is.EqualTo(1), metrics);
            Assert.That(Logins(metrics, "http_response_status_code=\"503\"", "wxlogin_code=\"wx_unavailable\""), Is.EqualTo(1), metrics);
            Assert.That(Logins(metrics, "http_response_status_code=\"400\"", "wxlogin_code=\"code_missing\""), Is.EqualTo(1), metrics);
            Assert.That(metrics, Does.Not.Contain(ok.User.OpenId).And.Not.Contain(ok.Token), "no tag carries a user or a token");
        });
    }

    [Test]
    public async Task TokenChecks_AreCountedByOutcome()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("metrics-bob.1", client);

        (await client.GetMeAsync(login.Token)).EnsureSuccessStatusCode();
        (await client.GetMeAsync(login.Token)).EnsureSuccessStatusCode();
        await client.GetAsync("/api/user/me");
        await client.GetMeAsync("not-a-token");
        var metrics = await ScrapeAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(Value(metrics, "wxlogin_token_checks_total", "outcome=\"ok\""), Is.EqualTo(2), metrics);
            Assert.That(Value(metrics, "wxlogin_token_checks_total", "outcome=\"token_missing\""), Is.EqualTo(1), metrics);
            Assert.That(Value(metrics, "wxlogin_token_checks_total", "outcome=\"token_invalid\""), Is.EqualTo(1), metrics);
        });
    }

    [Test]
    public async Task WeChatRequests_AreCountedByApiAndErrcode_AndTimed()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();

        await factory.LoginAsync("metrics-carol.1", client);
        await client.PostAsJsonAsync("/api/user/login", new { code = "wx-40163" });
        await client.PostAsJsonAsync("/api/user/login", new { code = "wx-connfail" });
        var metrics = await ScrapeAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(Value(metrics, "wxlogin_wechat_requests_total", "api=\"jscode2session\"", "errcode=\"0\""), Is.EqualTo(1), metrics);
            Assert.That(Value(metrics, "wxlogin_wechat_requests_total", "api=\"jscode2session\"", "errcode=\"40163\""), Is.EqualTo(1), metrics);
            Assert.That(Value(metrics, "wxlogin_wechat_requests_total", "api=\"jscode2session\"", "errcode=\"-1\""), Is.EqualTo(1), metrics);
            Assert.That(Value(metrics, "wxlogin_wechat_duration_seconds_count", "api=\"jscode2session\""), Is.EqualTo(3), metrics);
            Assert.That(metrics, Does.Contain("wxlogin_wechat_duration_seconds_bucket{"), metrics);
            Assert.That(Value(metrics, "wxlogin_wechat_circuit_open"), Is.Zero, metrics);
        });
    }

    [Test]
    public async Task AnswersOfTheExceptionHandler_KeepTheirRouteAndCarryTheirCode()
    {
        using var factory = new WxLoginFactory();
        using var failing = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddScoped<LoginService>(_ => throw new InvalidOperationException("the login service is broken"))));
        using var client = failing.CreateClient();

        var response = await client.PostAsJsonAsync("/api/user/login", new { code = "metrics-erin.1" });
        var metrics = await ScrapeAsync(client);

        await AssertOneLoginCountedAsync(response, metrics, HttpStatusCode.InternalServerError, "internal_error");
    }

    [Test]
    public async Task RateLimitedAnswers_CarryTheirCode()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Auth:RejectedCodesPerMinute"] = "1" });
        using var client = factory.CreateClient();

        var junk = await client.PostAsJsonAsync("/api/user/login", new { code = "not a code!" });
        Assert.That(junk.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var refused = await client.PostAsJsonAsync("/api/user/login", new { code = "metrics-dave.2" });
        var metrics = await ScrapeAsync(client);

        await AssertOneLoginCountedAsync(refused, metrics, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Test]
    public async Task FrameworkMeters_AreExported()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        await client.GetAsync("/health/live");

        var metrics = await ScrapeAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(metrics, Does.Contain("http_server_request_duration_seconds_bucket{"), "Microsoft.AspNetCore.Hosting");
            Assert.That(metrics, Does.Contain("dotnet_gc_collections_total").Or.Contain("dotnet_process_cpu_time_seconds_total"), "System.Runtime");
        });
    }

    [Test]
    public async Task Metrics_Answers404_ToAClientOutsideLoopbackAndTheAllowedNetworks()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Metrics:AllowedNetworks"] = "192.0.2.0/24, 2001:db8::/32" });

        var stranger = await GetMetricsAsync(factory, IPAddress.Parse("203.0.113.7"));
        var allowed = await GetMetricsAsync(factory, IPAddress.Parse("192.0.2.44"));
        var allowedV6 = await GetMetricsAsync(factory, IPAddress.Parse("2001:db8::5"));
        var loopback = await GetMetricsAsync(factory, IPAddress.Loopback);
        // nginx on the same host: the connection is loopback, but the client it forwards is not.
        var forwardedStranger = await GetMetricsAsync(factory, IPAddress.Loopback, forwardedFor: "203.0.113.7");

        Assert.Multiple(() =>
        {
            Assert.That(stranger.Status, Is.EqualTo(404), stranger.Body);
            Assert.That(stranger.Body, Does.Contain("\"code\":\"not_found\"").And.Not.Contain("wxlogin_"));
            Assert.That(forwardedStranger.Status, Is.EqualTo(404), forwardedStranger.Body);
            Assert.That(allowed.Status, Is.EqualTo(200));
            Assert.That(allowed.Body, Does.Contain("# TYPE "));
            Assert.That(allowedV6.Status, Is.EqualTo(200));
            Assert.That(loopback.Status, Is.EqualTo(200));
        });
    }

    [Test]
    public void Start_Fails_WhenAnAllowedNetworkIsNotCidr()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Metrics:AllowedNetworks"] = "10.0.0.0/24, monitoring.local" });

        var said = factory.StartFailure();

        Assert.That(said, Does.Contain("Metrics:AllowedNetworks").And.Contain("Metrics__AllowedNetworks"));
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return body;
    }

    private static async Task<(int Status, string Body)> GetMetricsAsync(WxLoginFactory factory, IPAddress remote, string? forwardedFor = null)
    {
        var context = await factory.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/metrics";
            http.Connection.RemoteIpAddress = remote;
            if (forwardedFor is not null)
            {
                http.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return (context.Response.StatusCode, await reader.ReadToEndAsync());
    }

    /// <summary>The login answered a problem with <paramref name="code"/>, and the request duration counted it once with that code.</summary>
    private static async Task AssertOneLoginCountedAsync(HttpResponseMessage answer, string metrics, HttpStatusCode status, string code)
    {
        await ProblemAssert.IsProblemAsync(answer, status, code);
        Assert.That(Logins(metrics, $"http_response_status_code=\"{(int)status}\"", $"wxlogin_code=\"{code}\""), Is.EqualTo(1), metrics);
    }

    /// <summary>Answers to POST /api/user/login whose labels hold all of <paramref name="labels"/>.</summary>
    private static double? Logins(string metrics, params string[] labels) =>
        Value(metrics, "http_server_request_duration_seconds_count", ["http_route=\"api/user/login\"", .. labels]);

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels hold all of <paramref name="labels"/>; null if none.</summary>
    private static double? Value(string metrics, string name, params string[] labels)
    {
        var samples = metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .ToList();
        // A sample is "name{labels} value [timestamp]".
        return samples.Count == 0
            ? null
            : samples.Sum(line => double.Parse(
                line[(line.LastIndexOf('}') is var close and >= 0 ? close + 1 : name.Length)..].Trim().Split(' ')[0],
                CultureInfo.InvariantCulture));
    }
}
