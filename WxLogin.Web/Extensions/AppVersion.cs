using System.Reflection;

namespace WxLogin.Web.Extensions;

/// <summary>WxLogin's version, from &lt;Version&gt; in Directory.Build.props.</summary>
public static class AppVersion
{
    /// <summary>
    /// The SemVer version, such as "1.0.0": the informational version without the build metadata ("+" and
    /// the commit) that the SDK appends in a git checkout.
    /// </summary>
    public static string Current { get; } =
        typeof(AppVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
