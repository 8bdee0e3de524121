namespace WxLogin.Web.Options;

/// <summary>The largest bodies the actions read ([RequestSizeLimit]); larger ones answer 413 payload_too_large before they are read.</summary>
public static class BodyLimits
{
    /// <summary>Login and profile: a code, a nickname and a URL.</summary>
    public const int Small = 4 * 1024;

    /// <summary>Phone and userinfo: encryptedData of well under 2 KB, with room for line-wrapped base64.</summary>
    public const int EncryptedData = 32 * 1024;
}
