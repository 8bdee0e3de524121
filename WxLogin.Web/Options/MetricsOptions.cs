using System.Net;

namespace WxLogin.Web.Options;

/// <summary>
/// Who may read /metrics. Section "Metrics" (env: Metrics__AllowedNetworks=10.0.0.0/24,192.168.5.7/32).
/// Loopback always may; everyone else gets 404. The client is the one the forwarded-headers middleware
/// sees: behind a trusted proxy, the address in X-Forwarded-For.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Networks in CIDR notation, comma-separated, whose clients may scrape /metrics.</summary>
    public string AllowedNetworks { get; set; } = "";

    public bool IsValid() => AddressList.AreNetworks(AllowedNetworks);

    /// <summary>
    /// Loopback, the configured networks, or no network peer at all (a Unix socket, a named pipe, the test server).
    /// </summary>
    public bool Allows(IPAddress? client)
    {
        if (client is null || IPAddress.IsLoopback(client))
        {
            return true;
        }
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return AddressList.Networks(AllowedNetworks).Any(network => network.Contains(address));
    }
}
