using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Data;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Tests.Filters;

/// <summary>The opt-in token cache (Auth:TokenCacheLifetime): revocation stays exact within the instance.</summary>
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
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task CachedToken_Answers401AtOnce_AfterLogout()
    {
        var login = await _factory.LoginAsync($"cache-logout-{Guid.NewGuid():N}", _client);
        await (await _client.GetMeAsync(login.Token)).IsOkAsync(); // now cached

        var logout = await _client.SendJsonAsync(HttpMethod.Post, "/api/user/logout", login.Token, null);
        var me = await _client.GetMeAsync(login.Token);

        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task CachedToken_Answers401AtOnce_AfterTheAccountIsDeleted()
    {
        var login = await _factory.LoginAsync($"cache-delete-{Guid.NewGuid():N}", _client);
        await (await _client.GetMeAsync(login.Token)).IsOkAsync(); // now cached

        var delete = await _client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", login.Token, null);
        var me = await _client.GetMeAsync(login.Token);

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task CachedToken_Answers401AtOnce_AfterANewerLoginOfTheSameUser()
    {
        var first = await _factory.LoginAsync("cache-relogin.1", _client);
        await (await _client.GetMeAsync(first.Token)).IsOkAsync();

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
        await (await _client.GetMeAsync(login.Token)).IsOkAsync();

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

        Assert.That(cache.Find(digest), Is.Null);
    }

    [Test]
    public void Cache_IsOff_ByDefault()
    {
        var cache = new TokenCache(Microsoft.Extensions.Options.Options.Create(new AuthOptions()), TimeProvider.System);
        cache.Remember(new byte[32], new UserSnapshot(1, "o", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow), cache.Now());

        Assert.That(cache.Enabled, Is.False);
        Assert.That(cache.Find(new byte[32]), Is.Null);
    }
}
