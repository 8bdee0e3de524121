using Microsoft.EntityFrameworkCore;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Models;

namespace WxLogin.Tests.Data;

/// <summary>
/// Timestamps are UTC whatever the server's zone. .ci/run runs the suite under TZ=Asia/Shanghai (UTC+8),
/// where a conversion through local time would shift them by eight hours.
/// </summary>
[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class AppDbContextTests(DatabaseProvider provider)
{
    [Test]
    public async Task ATimestampOfUnspecifiedKind_IsStoredAsTheUtcTimeItIs()
    {
        using var factory = new WxLoginFactory(provider: provider);
        factory.CreateClient().Dispose(); // the app applies the scripts
        var unspecified = new DateTime(2031, 1, 2, 3, 4, 5, DateTimeKind.Unspecified);
        int id;
        await using (var db = factory.OpenDb())
        {
            var user = new User { OpenId = "o-unspecified", CreatedAt = unspecified, UpdatedAt = unspecified };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            id = user.Id;
        }

        await using var read = factory.OpenDb();
        var stored = await read.Users.AsNoTracking().SingleAsync(u => u.Id == id);

        Assert.That(stored.CreatedAt, Is.EqualTo(DateTime.SpecifyKind(unspecified, DateTimeKind.Utc)));
        Assert.That(stored.CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
    }
}
