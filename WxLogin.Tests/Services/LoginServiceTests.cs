using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Errors;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Services;

/// <summary>LoginService alone: WeChat is a Moq mock, the database a real in-memory SQLite with the real schema.</summary>
public sealed class LoginServiceTests
{
    private const string SessionKey = "tiihtNczf5v6AKRyjwEUhQ==";

    private SqliteConnection _keepAlive = null!;
    private SqliteDialect _dialect = null!;
    private Mock<IWeChatClient> _wechat = null!;
    private readonly ManualTimeProvider _clock = new();

    [SetUp]
    public async Task CreateDatabase()
    {
        var connectionString = $"Data Source=login-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        _keepAlive = new SqliteConnection(connectionString);
        await _keepAlive.OpenAsync();
        _dialect = new SqliteDialect(connectionString);
        await new SchemaMigrator(_dialect, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        _wechat = new Mock<IWeChatClient>(MockBehavior.Strict);
    }

    [TearDown]
    public async Task DropDatabase()
    {
        await _keepAlive.DisposeAsync();
    }

    [TestCase(null, ErrorCodes.CodeMissing)]
    [TestCase(" ", ErrorCodes.CodeMissing)]
    [TestCase("a\tb", ErrorCodes.InvalidRequest)]
    public void LoginAsync_RejectsBadCodes_WithoutAskingWeChat(string? code, string errorCode)
    {
        var exception = Assert.ThrowsAsync<ApiException>(() => Service().LoginAsync(code, CancellationToken.None));

        Assert.That(exception!.Code, Is.EqualTo(errorCode));
        _wechat.VerifyNoOtherCalls();
    }

    [Test]
    public async Task LoginAsync_WritesNothing_WhenWeChatRefuses()
    {
        _wechat.Setup(w => w.Code2SessionAsync("bad", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new WeChatException(40029, "invalid code"));

        Assert.ThrowsAsync<WeChatException>(() => Service().LoginAsync("bad", CancellationToken.None));

        Assert.That(await NewDb().Users.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task LoginAsync_KeepsTheUnionId_WhenALaterAnswerHasNone()
    {
        _wechat.SetupSequence(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oSame", SessionKey, "uKnown"))
            .ReturnsAsync(new WeChatSession("oSame", SessionKey, null));

        await Service().LoginAsync("first", CancellationToken.None);
        var second = await Service().LoginAsync("second", CancellationToken.None);

        Assert.That(second.User.UnionId, Is.EqualTo("uKnown"));
        Assert.That((await NewDb().Users.SingleAsync()).UnionId, Is.EqualTo("uKnown"));
    }

    [Test]
    public async Task LoginAsync_UpdatesTheRowThatWonTheRace_WhenTheInsertHitsTheUniqueIndex()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oRace", SessionKey, null));
        // Another request inserts this openid after our lookup found nothing, just before our insert.
        var racer = new InsertFirstInterceptor(() => InsertDirectly("oRace"));

        var result = await Service(racer).LoginAsync("code", CancellationToken.None);

        var rows = await NewDb().Users.AsNoTracking().ToListAsync();
        Assert.That(racer.Fired, Is.True);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0].Id, Is.EqualTo(result.User.Id));
        Assert.That(rows[0].TokenDigest, Is.EqualTo(TokenService.Digest(result.Token)));
    }

    [Test]
    public async Task LogoutAsync_KeepsANewerToken_FromAnotherLogin()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oTwoDevices", SessionKey, null));
        var phone = await Service().LoginAsync("phone", CancellationToken.None);
        var tablet = await Service().LoginAsync("tablet", CancellationToken.None);
        var staleRequestUser = phone.User;
        staleRequestUser.TokenDigest = TokenService.Digest(phone.Token);

        await Service().LogoutAsync(staleRequestUser, CancellationToken.None);

        Assert.That((await NewDb().Users.SingleAsync()).TokenDigest, Is.EqualTo(TokenService.Digest(tablet.Token)));
    }

    [Test]
    public async Task LogoutAsync_ClearsTheCurrentToken()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oLeaving", SessionKey, null));
        var login = await Service().LoginAsync("code", CancellationToken.None);
        login.User.TokenDigest = TokenService.Digest(login.Token);

        await Service().LogoutAsync(login.User, CancellationToken.None);

        var row = await NewDb().Users.SingleAsync();
        Assert.That(row.TokenDigest, Is.Null);
        Assert.That(row.TokenExpiresAt, Is.Null);
    }

    private LoginService Service(IInterceptor? interceptor = null) => new(
        _wechat.Object,
        NewDb(interceptor),
        _dialect,
        new TokenService(Microsoft.Extensions.Options.Options.Create(new AuthOptions()), _clock),
        new EphemeralDataProtectionProvider(),
        _clock);

    private AppDbContext NewDb(IInterceptor? interceptor = null)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(_dialect.ConnectionString);
        if (interceptor is not null)
        {
            options.AddInterceptors(interceptor);
        }
        return new AppDbContext(options.Options);
    }

    private void InsertDirectly(string openId)
    {
        using var db = NewDb();
        db.Users.Add(new Web.Models.User { OpenId = openId, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        db.SaveChanges();
    }

    /// <summary>Runs an action once, just before the first SaveChanges that inserts a row.</summary>
    private sealed class InsertFirstInterceptor(Action action) : SaveChangesInterceptor
    {
        public bool Fired { get; private set; }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (!Fired && eventData.Context!.ChangeTracker.Entries().Any(e => e.State == EntityState.Added))
            {
                Fired = true;
                action();
            }
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }
}
