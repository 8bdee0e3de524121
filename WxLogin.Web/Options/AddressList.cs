using System.Net;

namespace WxLogin.Web.Options;

/// <summary>The comma-separated address and CIDR lists of our settings (ForwardedHeaders, Metrics).</summary>
internal static class AddressList
{
    public static string[] Items(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool AreNetworks(string list) => Items(list).All(network => IPNetwork.TryParse(network, out _));

    public static IEnumerable<IPNetwork> Networks(string list) => Items(list).Select(network => IPNetwork.Parse(network));
}
