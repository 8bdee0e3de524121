using Microsoft.Extensions.Options;

namespace WxLogin.Web.Options;

/// <summary>Checks run at start, so a bad configuration stops the process instead of the first login.</summary>
public sealed class WeChatOptionsValidator(IHostEnvironment environment) : IValidateOptions<WeChatOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatOptions options)
    {
        var failures = new List<string>();
        if (options.Mode == WeChatMode.Live && (string.IsNullOrWhiteSpace(options.AppId) || string.IsNullOrWhiteSpace(options.AppSecret)))
        {
            failures.Add("WeChat:Mode is Live but WeChat:AppId or WeChat:AppSecret is missing. " +
                "Set the environment variables WeChat__AppId and WeChat__AppSecret (or user-secrets), " +
                "or set WeChat__Mode=Emulator outside Production.");
        }
        if (options.Mode == WeChatMode.Emulator && environment.IsProduction())
        {
            failures.Add("WeChat:Mode is Emulator, which is refused in Production: set WeChat__Mode=Live with a real AppId and AppSecret.");
        }
        if (!options.ApiBaseUrl.IsAbsoluteUri)
        {
            failures.Add("WeChat:ApiBaseUrl must be an absolute URL.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
