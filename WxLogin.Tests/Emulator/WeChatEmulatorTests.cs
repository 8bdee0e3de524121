using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Emulator;

namespace WxLogin.Tests.Emulator;

/// <summary>The emulator remembers a used code as long as WeChat's codes live (5 minutes), and no longer.</summary>
public sealed class WeChatEmulatorTests
{
    [Test]
    public async Task ACodeUsedAgainWithinFiveMinutes_IsCodeUsed_AndAfterThemIsForgotten()
    {
        using var factory = new WxLoginFactory();
        var client = factory.CreateClient();
        await factory.LoginAsync("again.1", client);

        factory.Clock.Advance(TimeSpan.FromMinutes(4));
        var within = await client.PostAsJsonAsync("/api/user/login", new { code = "again.1" });
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await client.PostAsJsonAsync("/api/user/login", new { code = "again.1" });

        await ProblemAssert.IsProblemAsync(within, HttpStatusCode.BadRequest, "code_used");
        var login = await after.IsOkAsync();
        Assert.That(login.GetProperty("token").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task UsedCodes_AreDropped_OnceTheyExpire()
    {
        using var factory = new WxLoginFactory();
        var client = factory.CreateClient();
        var emulator = factory.Services.GetRequiredService<WeChatEmulator>();
        for (var code = 0; code < 50; code++)
        {
            await factory.LoginAsync($"many{code}.1", client);
        }
        var remembered = emulator.RememberedCodes;

        factory.Clock.Advance(WeChatEmulator.CodeLifetime + TimeSpan.FromMinutes(1));
        await factory.LoginAsync("later.1", client);

        Assert.That(remembered, Is.EqualTo(50));
        Assert.That(emulator.RememberedCodes, Is.EqualTo(1));
    }
}
