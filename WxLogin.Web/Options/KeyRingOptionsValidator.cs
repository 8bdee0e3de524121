using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using WxLogin.Web.Services;

namespace WxLogin.Web.Options;

/// <summary>
/// At start: DataProtection:KeysPath is a folder (or can become one) and the key ring in it works. A
/// folder that is a file, or a key file that is not XML, would otherwise fail every login after WeChat
/// has consumed its code.
/// </summary>
public sealed class KeyRingOptionsValidator(IHostEnvironment environment, IDataProtectionProvider dataProtection)
    : IValidateOptions<KeyRingOptions>
{
    private const string Setting = "DataProtection:KeysPath (env: DataProtection__KeysPath)";

    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var folder = options.FullPath(environment.ContentRootPath);
        if (folder is not null && File.Exists(folder))
        {
            return ValidateOptionsResult.Fail($"{Setting} is '{folder}', which is a file: it must name a folder for the key ring.");
        }
        if (KeyRingHealthCheck.Probe(dataProtection) is { } failure)
        {
            return ValidateOptionsResult.Fail(
                $"The Data Protection key ring in {(folder is null ? "ASP.NET Core's default folder" : $"'{folder}'")} cannot be used " +
                $"({failure.GetType().Name}: {failure.Message}). Check {Setting}: the folder must be writable by this process " +
                "and hold only the key-*.xml files ASP.NET Core wrote; move a damaged one away (the sessions it encrypted need a new login).");
        }
        return ValidateOptionsResult.Success;
    }
}
