using Microsoft.Extensions.Options;

namespace WxLogin.Web.Extensions;

/// <summary>The settings check at start, said once and plainly.</summary>
public static class StartupSettings
{
    /// <summary>
    /// Runs the ValidateOnStart checks before the host starts. Left to the host, a failure is logged
    /// with its stack trace and then thrown out of Main with it again; here each failure is one log line
    /// without a trace (the console, IIS's stdout log and systemd's journal show it), the app is disposed
    /// so the line is flushed, and false tells Program.cs to exit non-zero.
    /// </summary>
    public static async Task<bool> CheckSettingsAsync(this WebApplication app)
    {
        List<string> failures;
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return true;
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } found)
        {
            failures = found;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WxLogin.Startup");
        foreach (var failure in failures)
        {
            logger.LogCritical("WxLogin cannot start: {Failure}", failure);
        }
        await app.DisposeAsync();
        return false;
    }

    private static List<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException many when many.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. many.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures)],
        _ => [],
    };
}
