using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Extensions;

namespace WxLogin.Tests.Extensions;

/// <summary>Database:Provider chooses a folder under Data/; a name that is none of them stops the start with one line.</summary>
public sealed class DatabaseExtensionsTests
{
    private static readonly string ValidNames = string.Join(", ", DatabaseExtensions.Providers.Keys);

    [Test]
    public void UnknownProvider_RefusesToStart_NamingTheSettingAndItsValidValues()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["Database:Provider"] = "Postgres" });

        var failure = factory.StartFailure();

        Assert.That(failure.Split('\n'), Has.Length.EqualTo(1), failure);
        Assert.That(failure, Does.Contain("Database__Provider").And.Contain(ValidNames));
    }

    [Test]
    public async Task TheBuiltApp_WithAnUnknownProvider_PrintsOneLineNamingDatabaseProvider_AndExits1()
    {
        using var server = ServerProcess.Start(new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Default"] = "Host=127.0.0.1;Port=1;Database=unused;Username=postgres",
        });

        var exitCode = await server.WaitForExitAsync();

        var output = server.Output;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1), output);
            Assert.That(lines.Count(line => line.Contains("Database__Provider")), Is.EqualTo(1), output);
            Assert.That(lines.Single(line => line.Contains("Database__Provider")), Does.Contain(ValidNames), output);
            Assert.That(output, Does.Not.Contain(" at ").And.Not.Contain("Exception"), output);
        });
    }
}
