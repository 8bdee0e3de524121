using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Errors;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Services;

/// <summary>LoginService alone: WeChat is a Moq mock, the database a real SQLite file with the real schema and the real login store.</summary>
public sealed class LoginServiceTests
{
    private const string SessionKey = "tiihtNczf5v6AKRyjwEUhQ==";

    private string _path = null!;
    private SqliteConnections _connections = null!;
    private SqliteLoginStore _store = null!;
    private Mock<IWeChatClient> _wechat = null!;
    private readonly ManualTimeProvider _clock = new();

    [SetUp]
    public async Task CreateDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"wxlogin-login-{Guid.NewGuid():N}.db");
        _connections = new SqliteConnections($"Data Source={_path}");
        await new SchemaMigrator(new SqliteMigrationDialect(), _connections, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        _store = new SqliteLoginStore(_connections, new SqliteFaults(_connections),
            Microsoft.Extensions.Options.Options.Create(new DatabaseOptions()), _clock, NullLogger<SqliteLoginStore>.Instance);
        _wechat = new Mock<IWeChatClient>(MockBehavior.Strict);
    }

    [TearDown]
    public void DropDatabase()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
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
    public async Task LoginAsync_UpdatesTheExistingRow_WhenAnotherWriterInsertedTheOpenIdFirst()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oRace", SessionKey, null));
        // Another instance (or request) inserted this openid a moment ago.
        var existingId = InsertDirectly("oRace");

        var result = await Service().LoginAsync("code", CancellationToken.None);

        var rows = await NewDb().Users.AsNoTracking().ToListAsync();
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(result.User.Id, Is.EqualTo(existingId));
        Assert.That(rows[0].TokenDigest, Is.EqualTo(TokenService.Digest(result.Token)));
    }

    [Test]
    public async Task LoginAsync_CreatesOneRowPerOpenId_WhenManyLoginsShareACommit()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string code, CancellationToken _) => new WeChatSession("o" + code.Split('.')[0], SessionKey, null));

        var results = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(i => Task.Run(() => Service().LoginAsync($"user{i % 20}.{i}", CancellationToken.None))));

        var rows = await NewDb().Users.AsNoTracking().ToListAsync();
        Assert.That(rows, Has.Count.EqualTo(20));
        var lastTokens = rows.Select(r => r.TokenDigest).ToList();
        Assert.That(results.Count(r => lastTokens.Any(d => d!.SequenceEqual(TokenService.Digest(r.Token)))), Is.EqualTo(20));
        Assert.That(results.Select(r => r.User.Id).Distinct().Count(), Is.EqualTo(20));
    }

    [Test]
    public async Task LogoutAsync_KeepsANewerToken_FromAnotherLogin()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oTwoDevices", SessionKey, null));
        var phone = await Service().LoginAsync("phone", CancellationToken.None);
        var tablet = await Service().LoginAsync("tablet", CancellationToken.None);
        await Service().LogoutAsync(phone.User, TokenService.Digest(phone.Token), CancellationToken.None);

        Assert.That((await NewDb().Users.SingleAsync()).TokenDigest, Is.EqualTo(TokenService.Digest(tablet.Token)));
    }

    [Test]
    public async Task LogoutAsync_ClearsTheCurrentToken()
    {
        _wechat.Setup(w => w.Code2SessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WeChatSession("oLeaving", SessionKey, null));
        var login = await Service().LoginAsync("code", CancellationToken.None);
        await Service().LogoutAsync(login.User, TokenService.Digest(login.Token), CancellationToken.None);

        var row = await NewDb().Users.SingleAsync();
        Assert.That(row.TokenDigest, Is.Null);
        Assert.That(row.TokenExpiresAt, Is.Null);
    }

    private LoginService Service() => new(
        _wechat.Object,
        _store,
        new TokenCache(Microsoft.Extensions.Options.Options.Create(new AuthOptions()), _clock),
        new TokenService(Microsoft.Extensions.Options.Options.Create(new AuthOptions()), _clock),
        new EphemeralDataProtectionProvider(),
        _clock);

    private AppDbContext NewDb() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite(_connections.ConnectionString).Options);

    private int InsertDirectly(string openId)
    {
        using var db = NewDb();
        var user = new Web.Models.User { OpenId = openId, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Users.Add(user);
        db.SaveChanges();
        return user.Id;
    }
}
