using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using WxLogin.Web.Options;
using WxLogin.Web.Telemetry;

namespace WxLogin.Web.Extensions;

/// <summary>Metrics: WxLogin's own instruments and the framework's, in Prometheus text at /metrics.</summary>
public static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>The framework's meters exported beside ours: requests, connections, WeChat's HttpClient, the runtime.</summary>
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
    ];

    public static void AddWxLoginTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(metrics => metrics.IsValid(),
                "Metrics:AllowedNetworks must list CIDR ranges (such as 10.0.0.0/24), comma-separated (env: Metrics__AllowedNetworks).")
            .ValidateOnStart();

        builder.Services.AddSingleton<WxLoginMetrics>();

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(WxLoginMetrics.MeterName)
            .AddMeter(FrameworkMeters)
            // Scrapes are rare and cheap: no cached answer, so each scrape is current.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    /// <summary>
    /// After UseForwardedHeaders: /metrics for loopback and Metrics:AllowedNetworks (others fall through to
    /// 404 not_found), and the error-code tag around everything else.
    /// </summary>
    public static void UseWxLoginTelemetry(this WebApplication app)
    {
        var metricsOptions = app.Services.GetRequiredService<IOptions<MetricsOptions>>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path.Equals(MetricsPath) &&
            HttpMethods.IsGet(http.Request.Method) &&
            metricsOptions.Value.Allows(http.Connection.RemoteIpAddress));
        app.UseMiddleware<ProblemCodeTag>();
    }
}
