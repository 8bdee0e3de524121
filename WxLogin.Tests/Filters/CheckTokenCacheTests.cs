using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Tests.Filters;

/// <summary>
/// The opt-in token cache (Auth:TokenCacheLifetime): it answers from memory, and revocation stays exact
/// within the instance. Each revocation test first shows the token is answered from the cache (a change
/// made behind the app's back does not show), so none of them passes with the cache off. The cache sits
/// above the provider, so these run on SQLite only.
/// </summary>
public sealed class CheckTokenCacheTests
{
    private WxLoginFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        _factory = new WxLoginFactory(new Dictionary<string, string?> { ["Auth:TokenCacheLifetime"] = "00:01:00" });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _client?.Dispose();
        _factory?.Dispose();
    }

    [Test]
    public async Task CachedToken_IsAnsweredFromMemory_AfterItsRowWasDeletedBehindTheApp_WithinTheLifetime()
    {
        var login = await _factory.LoginAsync($"cache-hit-{Guid.NewGuid():N}", _client);
        await (await _client.GetMeAsync(login.Token)).IsOkAsync(); // now cached

        await ChangeBehindTheAppAsync("DELETE FROM Users WHERE Id = @id", login.User.Id);
        var me = await _client.GetMeAsync(login.Token);

        Assert.That((await me.IsOkAsync()).GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
    }

    [Test]
    public async Task CachedToken_Answers401AtOnce_AfterLogout()
    {
        var login = await _factory.LoginAsync($"cache-logout-{Guid.NewGuid():N}", _client);
        await AssertCachedAsync(login);

        var logout = await _client.SendJsonAsync(HttpMethod.Post, "/api/user/logout", login.Token, null);
        var me = await _client.GetMeAsync(login.Token);

        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task CachedToken_Answers401AtOnce_AfterTheAccountIsDeleted()
    {
        var login = await _factory.LoginAsync($"cache-delete-{Guid.NewGuid():N}", _client);
        await AssertCachedAsync(login);

        var delete = await _client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", login.Token, null);
        var me = await _client.GetMeAsync(login.Token);

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task CachedToken_Answers401AtOnce_AfterANewerLoginOfTheSameUser()
    {
        var first = await _factory.LoginAsync("cache-relogin.1", _client);
        await AssertCachedAsync(first);

        var second = await _factory.LoginAsync("cache-relogin.2", _client);
        var stale = await _client.GetMeAsync(first.Token);
        var fresh = await _client.GetMeAsync(second.Token);

        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Unauthorized, "token_replaced");
        Assert.That((await fresh.IsOkAsync()).GetProperty("id").GetInt32(), Is.EqualTo(first.User.Id));
    }

    [Test]
    public async Task CachedUser_ShowsAProfileChange_AtOnce()
    {
        var login = await _factory.LoginAsync($"cache-profile-{Guid.NewGuid():N}", _client);
        await AssertCachedAsync(login);

        var profile = await _client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", login.Token, new { nickname = "Renamed" });
        var me = await (await _client.GetMeAsync(login.Token)).IsOkAsync();

        Assert.That(profile.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(me.GetProperty("nickname").GetString(), Is.EqualTo("Renamed"));
    }

    [Test]
    public void Remember_KeepsNothing_WhenTheUserWasForgottenWhileTheLookupRan()
    {
        var cache = _factory.Services.GetRequiredService<TokenCache>();
        var digest = new byte[32];
        var user = new UserSnapshot(424242, "oRacing", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow);

        var lookupStartedAt = cache.Now();
        cache.Forget(user.Id); // a logout committed while the database answered the lookup
        cache.Remember(digest, user, lookupStartedAt);
        var other = user with { Id = 424243 };
        cache.Remember(new byte[31], other, cache.Now()); // the same, with no logout in between

        Assert.That(cache.Find(digest), Is.Null);
        Assert.That(cache.Find(new byte[31]), Is.EqualTo(other));
    }

    [Test]
    public void Cache_IsOff_ByDefault()
    {
        using var off = new TokenCache(Microsoft.Extensions.Options.Options.Create(new AuthOptions()), TimeProvider.System);
        using var on = new TokenCache(Microsoft.Extensions.Options.Options.Create(new AuthOptions { TokenCacheLifetime = TimeSpan.FromMinutes(1) }), TimeProvider.System);
        foreach (var cache in new[] { off, on })
        {
            cache.Remember(new byte[32], new UserSnapshot(1, "o", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow), cache.Now());
        }

        Assert.That(off.Enabled, Is.False);
        Assert.That(off.Find(new byte[32]), Is.Null);
        Assert.That(on.Find(new byte[32]), Is.Not.Null, "the same with a lifetime is remembered");
    }

    [Test]
    public async Task Cache_EvictsAFewEntries_NotAll_WhenItIsFull()
    {
        using var cache = new TokenCache(Microsoft.Extensions.Options.Options.Create(new AuthOptions { TokenCacheLifetime = TimeSpan.FromMinutes(1) }), TimeProvider.System, maxEntries: 100);
        for (var i = 0; i <= 100; i++)
        {
            cache.Remember(Digest(i), new UserSnapshot(i, $"o{i}", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow), cache.Now());
        }

        // MemoryCache compacts in the background once an entry does not fit; wait for it.
        var kept = 0;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            kept = Enumerable.Range(0, 100).Count(i => cache.Find(Digest(i)) is not null);
            if (kept < 100)
            {
                break;
            }
            await Task.Delay(20);
            cache.Remember(Digest(1000 + attempt), new UserSnapshot(1000 + attempt, "o", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow), cache.Now());
        }

        Assert.That(kept, Is.InRange(80, 99), "some evicted to make room, most kept");
    }

    private static byte[] Digest(int i) => BitConverter.GetBytes(i).Concat(new byte[28]).ToArray();

    /// <summary>
    /// Looks the token up once (now cached), renames the user behind the app's back, and asserts the
    /// next answer still shows the old name: the answer came from the cache, not the database.
    /// </summary>
    private async Task AssertCachedAsync(Web.Models.LoginResponse login)
    {
        var before = await (await _client.GetMeAsync(login.Token)).IsOkAsync();
        await ChangeBehindTheAppAsync("UPDATE Users SET Nickname = 'behind the cache' WHERE Id = @id", login.User.Id);
        var cached = await (await _client.GetMeAsync(login.Token)).IsOkAsync();

        Assert.That(cached.GetProperty("nickname").ToString(), Is.EqualTo(before.GetProperty("nickname").ToString()), "answered from the cache");
    }

    private async Task ChangeBehindTheAppAsync(string sql, int userId)
    {
        await using var connection = new SqliteConnection(_factory.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@id", userId);
        Assert.That(await command.ExecuteNonQueryAsync(), Is.EqualTo(1));
    }
}
