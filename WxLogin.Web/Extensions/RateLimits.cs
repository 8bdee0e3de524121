namespace WxLogin.Web.Extensions;

/// <summary>Names of the rate-limit policies (registered in HostingExtensions.AddWxLoginApi).</summary>
public static class RateLimits
{
    public const string Login = "login";
}
