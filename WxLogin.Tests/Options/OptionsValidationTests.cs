using System.Diagnostics;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Options;

namespace WxLogin.Tests.Options;

/// <summary>A bad configuration stops the app at start, with one line per problem that says what to set.</summary>
public sealed class OptionsValidationTests
{
    private const string ValidAppId = "wx0123456789abcdef";
    private const string ValidAppSecret = "0123456789abcdef0123456789ABCDEF";

    [TestCase("WeChat:AppId", "WeChat__AppId", "WeChat__AppSecret")]
    [TestCase("WeChat:AppSecret", "WeChat__AppSecret", "WeChat__AppId")]
    public void LiveMode_WithOneCredentialMissing_RefusesToStart_NamingExactlyThatOne(string missing, string named, string notNamed)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live", [missing] = "" });

        var failure = factory.StartFailure();

        Assert.That(failure, Does.Contain($"{named} is missing"));
        Assert.That(failure, Does.Not.Contain(notNamed));
    }

    [TestCase("Production", "Set the environment variable WeChat__AppId.")]
    [TestCase("Staging", "Set the environment variable WeChat__AppId, or WeChat__Mode=Emulator.")]
    [TestCase("Development", "Set the environment variable WeChat__AppId (or user-secrets), or WeChat__Mode=Emulator.")]
    public void AMissingCredential_IsExplainedWithWhatThisEnvironmentReads(string environment, string hint)
    {
        // Production reads neither user-secrets nor the emulator; only Development reads user-secrets.
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live", ["WeChat:AppId"] = "" }, environment);

        Assert.That(factory.StartFailure(), Does.Contain(hint));
    }

    [TestCase("WeChat:AppId", "wx-emulator-app", "WeChat__AppId is not valid")]
    [TestCase("WeChat:AppId", "wx0123456789abcdeg", "WeChat__AppId is not valid")]
    [TestCase("WeChat:AppId", "0123456789abcdef01", "WeChat__AppId is not valid")]
    [TestCase("WeChat:AppSecret", "emulator-secret-not-real", "WeChat__AppSecret is not valid")]
    [TestCase("WeChat:AppSecret", "0123456789abcdef0123456789abcde", "WeChat__AppSecret is not valid")]
    public void LiveMode_WithACredentialOfTheWrongShape_RefusesToStart_NamingIt(string key, string value, string message)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live", [key] = value });

        var failure = factory.StartFailure();

        Assert.That(failure, Does.Contain(message));
        Assert.That(failure, Does.Not.Contain(value), "the value itself (it may be the secret) is never printed");
    }

    [Test]
    public void Validator_TakesRealShapedCredentials_AndLetsTheEmulatorKeepItsPlaceholders()
    {
        var validator = new WeChatOptionsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" });

        var live = validator.Validate(null, new WeChatOptions { Mode = WeChatMode.Live, AppId = ValidAppId, AppSecret = ValidAppSecret });
        var emulator = validator.Validate(null, new WeChatOptions
        {
            Mode = WeChatMode.Emulator, AppId = "wx-emulator-app", AppSecret = "emulator-secret-not-real",
        });

        Assert.That(live.Succeeded, Is.True, live.FailureMessage);
        Assert.That(emulator.Succeeded, Is.True, emulator.FailureMessage);
    }

    [Test]
    public async Task TheBuiltApp_WithOnlyTheAppIdMissing_PrintsOneLineNamingIt_WithoutAStackTrace_AndExitsNonZero()
    {
        var start = new ProcessStartInfo("dotnet", ["WxLogin.Web.dll"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["WeChat__Mode"] = "Live";
        start.Environment["WeChat__AppId"] = "";
        start.Environment["WeChat__AppSecret"] = ValidAppSecret;
        start.Environment["ConnectionStrings__Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"wxlogin-start-{Guid.NewGuid():N}.db")}";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout + await stderr;

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Not.Zero, output);
            Assert.That(Occurrences(output, "WeChat__AppId is missing"), Is.EqualTo(1), output);
            Assert.That(output, Does.Not.Contain("WeChat__AppSecret"), output);
            Assert.That(output, Does.Not.Contain(" at ").And.Not.Contain("Exception"), output);
            Assert.That(output, Does.Not.Contain(ValidAppSecret), output);
        });
    }

    [Test]
    public void EmulatorMode_InProduction_RefusesToStart()
    {
        using var factory = new WxLoginFactory(environment: "Production");

        Assert.That(factory.StartFailure(), Does.Contain("refused in Production"));
    }

    [Test]
    public async Task LiveMode_InProduction_StartsWithCredentials()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live" }, environment: "Production")
        {
            WeChatHandler = StubHttpHandler.Text("""{"session_key":"tiihtNczf5v6AKRyjwEUhQ==","openid":"oProd"}"""),
        };

        var login = await factory.LoginAsync("prod-code");

        Assert.That(login.User.OpenId, Is.EqualTo("oProd"));
    }

    [TestCase("Auth:TokenLifetime", "00:00:10")]
    [TestCase("WeChat:Timeout", "00:05:00")]
    [TestCase("Auth:RejectedCodesPerMinute", "0")]
    [TestCase("Limits:RequestBodyTimeout", "00:00:01")]
    public void OutOfRangeSettings_RefuseToStart(string key, string value)
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { [key] = value });

        Assert.That(factory.StartFailure(), Does.Contain(key.Split(':')[1]));
    }

    private static int Occurrences(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
