namespace WxLogin.Web.Options;

/// <summary>
/// Where the Data Protection key ring (it encrypts session_key at rest) is kept. Section "DataProtection"
/// (env: DataProtection__KeysPath=/var/lib/wxlogin/keys). Every instance behind one load balancer must
/// point at the same folder; unset, ASP.NET Core's per-user default is used.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    public string? KeysPath { get; set; }

    /// <summary>The folder as an absolute path (a relative one lives in the content root, like the SQLite file); null when unset.</summary>
    public string? FullPath(string contentRoot) =>
        string.IsNullOrWhiteSpace(KeysPath) ? null : Path.GetFullPath(Path.Combine(contentRoot, KeysPath));
}
