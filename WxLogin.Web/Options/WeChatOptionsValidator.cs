using Microsoft.Extensions.Options;

namespace WxLogin.Web.Options;

/// <summary>Checks run at start, so a bad configuration stops the process instead of the first login.</summary>
public sealed class WeChatOptionsValidator(IHostEnvironment environment) : IValidateOptions<WeChatOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatOptions options)
    {
        var failures = new List<string>();
        if (options.Mode == WeChatMode.Live)
        {
            // A real AppID is "wx" and 16 hex digits, a real AppSecret 32 hex digits: anything else fails at the first login.
            failures.AddRange(Check("WeChat__AppId", options.AppId, IsAppId, "'wx' followed by 16 hexadecimal characters (the AppID in the mini-program's admin console)"));
            failures.AddRange(Check("WeChat__AppSecret", options.AppSecret, IsAppSecret, "32 hexadecimal characters (the AppSecret in the mini-program's admin console)"));
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

    public static bool IsAppId(string value) => value.Length == 18 && value.StartsWith("wx", StringComparison.Ordinal) && value[2..].All(char.IsAsciiHexDigit);

    public static bool IsAppSecret(string value) => value.Length == 32 && value.All(char.IsAsciiHexDigit);

    /// <summary>
    /// Names the environment variable, never its value (the AppSecret must not reach a log), and only the
    /// ways this environment reads: user-secrets in Development alone, the emulator anywhere but Production.
    /// </summary>
    private IEnumerable<string> Check(string variable, string value, Func<string, bool> isValid, string shape)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield return $"{variable} is missing: WeChat:Mode is Live, which needs it. Set the environment variable {variable}" +
                (environment.IsDevelopment() ? " (or user-secrets), or WeChat__Mode=Emulator."
                    : environment.IsProduction() ? "." : ", or WeChat__Mode=Emulator.");
        }
        else if (!isValid(value))
        {
            yield return $"{variable} is not valid: it must be {shape}.";
        }
    }
}
