using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Data.SqlServer;
using WxLogin.Web.Models;

namespace WxLogin.Tests.Data.SqlServer;

public sealed class DeadlockRetryingTokenReaderTests
{
    private static readonly UserSnapshot User = new(7, "o-7", null, null, null, null, DateTime.UtcNow.AddDays(1), DateTime.UtcNow, DateTime.UtcNow);

    /// <summary>Throws the given exceptions one per call, then answers the user.</summary>
    private sealed class ScriptedReader(params Exception[] failures) : TokenReader
    {
        public int Calls { get; private set; }

        public override Task<UserSnapshot?> FindAsync(byte[] digest, CancellationToken cancellationToken) =>
            Calls++ < failures.Length ? throw failures[Calls - 1] : Task.FromResult<UserSnapshot?>(User);

        public override Task<bool> WasReplacedAsync(byte[] digest, CancellationToken cancellationToken) =>
            Calls++ < failures.Length ? throw failures[Calls - 1] : Task.FromResult(true);
    }

    [Test]
    public async Task ADeadlockVictim_IsReadOnceMore()
    {
        var inner = new ScriptedReader(SqlExceptions.WithNumber(1205, errorClass: 13));

        var found = await new DeadlockRetryingTokenReader(inner).FindAsync(new byte[32], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.EqualTo(User));
            Assert.That(inner.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task TheReplacedTokenRead_IsReadOnceMoreToo()
    {
        var inner = new ScriptedReader(SqlExceptions.WithNumber(1205, errorClass: 13));

        var replaced = await new DeadlockRetryingTokenReader(inner).WasReplacedAsync(new byte[32], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(replaced, Is.True);
            Assert.That(inner.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public void ASecondDeadlock_IsNotRetried_AndReachesTheErrorPipeline()
    {
        var inner = new ScriptedReader(SqlExceptions.WithNumber(1205, errorClass: 13), SqlExceptions.WithNumber(1205, errorClass: 13));

        var thrown = Assert.CatchAsync(() => new DeadlockRetryingTokenReader(inner).FindAsync(new byte[32], CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(new SqlServerFaults().Describe(thrown!), Does.Contain("deadlock"), "503 storage_unavailable, logged as busy");
            Assert.That(inner.Calls, Is.EqualTo(2));
        });
    }

    [TestCase(-2)]
    [TestCase(1222)]
    [TestCase(0)]
    public void OtherErrors_AreNotRetried(int number)
    {
        var inner = new ScriptedReader(SqlExceptions.WithNumber(number, errorClass: 20));

        Assert.CatchAsync(() => new DeadlockRetryingTokenReader(inner).FindAsync(new byte[32], CancellationToken.None));
        Assert.That(inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task TheSqlServerProvider_ReadsTokensThroughIt()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:AutoMigrate"] = "false",
            ["ConnectionStrings:Default"] = SqlServerUnreachableTests.ClosedPortConnectionString(),
        });
        await using var scope = factory.Services.CreateAsyncScope();

        Assert.That(scope.ServiceProvider.GetService(typeof(TokenReader)), Is.TypeOf<DeadlockRetryingTokenReader>());
    }
}
