using System.Net;

namespace WxLogin.Web.Options;

/// <summary>
/// Which reverse proxies (IIS in front of a load balancer, nginx on another host) may tell us the
/// client's address and scheme. Section "ForwardedHeaders" (env: ForwardedHeaders__KnownProxies=10.0.0.5,10.0.0.6,
/// ForwardedHeaders__KnownNetworks=10.0.0.0/24). Loopback is always trusted; anyone else's
/// X-Forwarded-For is ignored, so a client cannot pick its own rate-limit partition.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy IP addresses, comma-separated.</summary>
    public string KnownProxies { get; set; } = "";

    /// <summary>Proxy networks in CIDR notation, comma-separated.</summary>
    public string KnownNetworks { get; set; } = "";

    public IEnumerable<IPAddress> Proxies() => AddressList.Items(KnownProxies).Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> Networks() => AddressList.Networks(KnownNetworks);

    public bool IsValid() =>
        AddressList.Items(KnownProxies).All(proxy => IPAddress.TryParse(proxy, out _)) &&
        AddressList.AreNetworks(KnownNetworks);
}
