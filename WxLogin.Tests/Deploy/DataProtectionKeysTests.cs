using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Deploy;

/// <summary>DataProtection:KeysPath: instances sharing the folder read each other's session_key.</summary>
public sealed class DataProtectionKeysTests
{
    private string _keys = null!;
    private string _otherKeys = null!;

    [SetUp]
    public void CreateFolders()
    {
        _keys = Path.Combine(Path.GetTempPath(), $"wxlogin-keys-{Guid.NewGuid():N}");
        _otherKeys = Path.Combine(Path.GetTempPath(), $"wxlogin-keys-{Guid.NewGuid():N}");
    }

    [TearDown]
    public void DeleteFolders()
    {
        foreach (var folder in new[] { _keys, _otherKeys }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task SecondInstance_WithTheSameKeysPath_ReadsTheSessionKeyTheFirstStored()
    {
        using var first = new WxLoginFactory(KeysAt(_keys));
        var login = await first.LoginAsync("keyring.1");
        using var second = new WxLoginFactory(KeysAt(_keys, sharedDatabase: first.DatabasePath));
        using var stranger = new WxLoginFactory(KeysAt(_otherKeys, sharedDatabase: first.DatabasePath));

        var protectedSessionKey = await StoredSessionKeyAsync(second, login.User.Id);
        var readByFirst = Unprotect(first, protectedSessionKey);
        var readBySecond = Unprotect(second, protectedSessionKey);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(_keys, "key-*.xml"), Is.Not.Empty, "the key ring is written to DataProtection:KeysPath");
            Assert.That(Convert.FromBase64String(readByFirst), Has.Length.EqualTo(16));
            Assert.That(readBySecond, Is.EqualTo(readByFirst));
            Assert.Throws<CryptographicException>(() => Unprotect(stranger, protectedSessionKey),
                "an instance with another key ring must not read it: the shared folder is what makes it work");
        });
    }

    [Test]
    public async Task Restart_WithTheSameKeysPath_KeepsTheLoginAndTheSessionKey()
    {
        var database = Path.Combine(Path.GetTempPath(), $"wxlogin-restart-{Guid.NewGuid():N}.db");
        try
        {
            LoginBeforeRestart before;
            using (var beforeRestart = new WxLoginFactory(KeysAt(_keys, sharedDatabase: database)))
            {
                var login = await beforeRestart.LoginAsync("restart.1");
                var stored = await StoredSessionKeyAsync(beforeRestart, login.User.Id);
                before = new LoginBeforeRestart(login.Token, stored, Unprotect(beforeRestart, stored));
            }

            using var afterRestart = new WxLoginFactory(KeysAt(_keys, sharedDatabase: database));
            using var client = afterRestart.CreateClient();
            client.DefaultRequestHeaders.Add("Authorization", $"Bearer {before.Token}");
            var me = await client.GetAsync("/api/user/me");

            Assert.Multiple(() =>
            {
                Assert.That((int)me.StatusCode, Is.EqualTo(200), "tokens are digests in the database: a restart keeps them");
                Assert.That(Unprotect(afterRestart, before.ProtectedSessionKey), Is.EqualTo(before.SessionKey));
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }

    private sealed record LoginBeforeRestart(string Token, string ProtectedSessionKey, string SessionKey);

    private static Dictionary<string, string?> KeysAt(string folder, string? sharedDatabase = null)
    {
        var settings = new Dictionary<string, string?> { ["DataProtection:KeysPath"] = folder };
        if (sharedDatabase is not null)
        {
            settings["ConnectionStrings:Default"] = $"Data Source={sharedDatabase}";
        }
        return settings;
    }

    private static async Task<string> StoredSessionKeyAsync(WxLoginFactory factory, int userId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).SessionKeyProtected!;
    }

    private static string Unprotect(WxLoginFactory factory, string protectedSessionKey) =>
        factory.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(SessionKeyProtector.Purpose)
            .Unprotect(protectedSessionKey);
}
