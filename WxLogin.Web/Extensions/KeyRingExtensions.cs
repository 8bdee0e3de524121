using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using WxLogin.Web.Options;
using WxLogin.Web.Services;

namespace WxLogin.Web.Extensions;

/// <summary>The Data Protection key ring that encrypts session_key at rest, checked at start and by readiness.</summary>
public static class KeyRingExtensions
{
    public static void AddWxLoginKeyRing(this WebApplicationBuilder builder)
    {
        // Kept in one folder, the key ring survives restarts and is shared by every instance; without it
        // each machine (or container) keeps keys of its own.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("WxLogin");
        var keyRing = builder.Configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        if (keyRing.FullPath(builder.Environment.ContentRootPath) is { } folder)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(folder));
        }

        builder.Services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>();
        builder.Services.AddHealthChecks().AddCheck<KeyRingHealthCheck>("keyring", tags: [HealthExtensions.ReadyTag]);
    }
}
