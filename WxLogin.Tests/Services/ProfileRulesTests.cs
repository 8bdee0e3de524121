using System.Net;
using System.Text;
using System.Text.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Services;

/// <summary>
/// What a nickname and an avatar URL may be (PUT /api/user/profile and the decrypted user info), and what
/// /api/user/userinfo takes from WeChat: only the caller's own data, never WeChat's placeholders.
/// </summary>
public sealed class ProfileRulesTests : AppFixture
{
    private const string Avatar = "https://cdn.example.com/avatars/a.png";
    private const string GreyAvatar =
        "https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132";

    private static IEnumerable<TestCaseData> RefusedNicknames()
    {
        yield return new TestCaseData("abc\u202Edef").SetName("Profile_RefusesANickname_WithARightToLeftOverride");
        yield return new TestCaseData("\u200B").SetName("Profile_RefusesANickname_OfOnlyAZeroWidthSpace");
        yield return new TestCaseData("a\uFEFFb").SetName("Profile_RefusesANickname_WithAByteOrderMark");
        yield return new TestCaseData("\u3164").SetName("Profile_RefusesANickname_OfAHangulFiller");
        yield return new TestCaseData("Kim\u3164").SetName("Profile_RefusesANickname_WithAHangulFiller");
        yield return new TestCaseData("\u115F\u1160").SetName("Profile_RefusesANickname_OfHangulJamoFillers");
        yield return new TestCaseData("\uFFA0").SetName("Profile_RefusesANickname_OfAHalfwidthHangulFiller");
        yield return new TestCaseData("a\u2028b").SetName("Profile_RefusesANickname_WithALineSeparator");
        yield return new TestCaseData("a\u2029b").SetName("Profile_RefusesANickname_WithAParagraphSeparator");
        yield return new TestCaseData("a\u00A0b").SetName("Profile_RefusesANickname_WithANoBreakSpace");
        yield return new TestCaseData("\u0301\u0301").SetName("Profile_RefusesANickname_OfOnlyCombiningMarks");
        yield return new TestCaseData("a\u200D").SetName("Profile_RefusesANickname_WithAJoinerThatJoinsNothing");
        yield return new TestCaseData(string.Concat(Enumerable.Repeat("🐼", 65))).SetName("Profile_RefusesANickname_Of65Emoji");
        yield return new TestCaseData("a" + string.Concat(Enumerable.Repeat("\u0301", 300))).SetName("Profile_RefusesANickname_OverTheColumnsUtf16Units");
    }

    [TestCaseSource(nameof(RefusedNicknames))]
    public async Task Profile_RefusesNickname(string nickname)
    {
        var login = await Factory.LoginAsync($"nick-refused-{Guid.NewGuid():N}", Client);

        var response = await PutProfileAsync(login.Token, new { nickname });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.That(me.GetProperty("nickname").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    private static IEnumerable<TestCaseData> AcceptedNicknames()
    {
        yield return new TestCaseData(string.Concat(Enumerable.Repeat("🐼", 33))).SetName("Profile_AcceptsANickname_Of33Emoji");
        yield return new TestCaseData(string.Concat(Enumerable.Repeat("😀", 64))).SetName("Profile_AcceptsANickname_Of64Emoji");
        yield return new TestCaseData("👩\u200D💻 dev").SetName("Profile_AcceptsANickname_WithAJoinedEmoji");
        yield return new TestCaseData("🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F fan").SetName("Profile_AcceptsANickname_WithATaggedFlag");
        yield return new TestCaseData("小明\u3000同学").SetName("Profile_AcceptsANickname_WithAnIdeographicSpace");
        yield return new TestCaseData("Zoe\u0308 👍🏽").SetName("Profile_AcceptsANickname_WithCombiningMarksAndSkinTones");
    }

    [TestCaseSource(nameof(AcceptedNicknames))]
    public async Task Profile_AcceptsNickname(string nickname)
    {
        var login = await Factory.LoginAsync($"nick-accepted-{Guid.NewGuid():N}", Client);

        var user = await (await PutProfileAsync(login.Token, new { nickname })).IsOkAsync();

        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.That(user.GetProperty("nickname").GetString(), Is.EqualTo(nickname));
        Assert.That(me.GetProperty("nickname").GetString(), Is.EqualTo(nickname), "stored whole");
    }

    [TestCase("https://user:pass@cdn.example.com/a.png")]
    [TestCase("https://user@cdn.example.com/a.png")]
    [TestCase("https://127.0.0.1/a.png")]
    [TestCase("https://10.0.0.8/a.png")]
    [TestCase("https://169.254.169.254/latest/meta-data")]
    [TestCase("https://[::1]/a.png")]
    [TestCase("https://2130706433/a.png")]
    [TestCase("https://0x7f.1/a.png")]
    [TestCase("https://localhost/a.png")]
    [TestCase("https://cdn.exa\u202Emple.com/a.png")]
    [TestCase("https://cdn.example.com/a\u200B.png")]
    public async Task Profile_RefusesAnAvatarUrl_ThatIsNotHttpsOnADnsName(string avatarUrl)
    {
        var login = await Factory.LoginAsync($"avatar-refused-{Guid.NewGuid():N}", Client);

        var response = await PutProfileAsync(login.Token, new { avatarUrl });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("DNS host name"));
        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.That(me.GetProperty("avatarUrl").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase("https://例子.测试/头像.png")]
    [TestCase("https://cdn.example.com:8443/a.png?v=2")]
    public async Task Profile_AcceptsAnAvatarUrl_OnADnsName(string avatarUrl)
    {
        var login = await Factory.LoginAsync($"avatar-accepted-{Guid.NewGuid():N}", Client);

        var user = await (await PutProfileAsync(login.Token, new { avatarUrl })).IsOkAsync();

        Assert.That(user.GetProperty("avatarUrl").GetString(), Is.EqualTo(avatarUrl));
    }

    [Test]
    public async Task UserInfo_AnswersOpenIdMismatch_ForAnotherUsersData_AndWritesNothing()
    {
        var login = await Factory.LoginAsync("info-mine.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new
        {
            openId = "oSomebodyElse000000000000000",
            nickName = "Not me",
            unionId = "uSomebodyElse00000000000000",
        });

        var response = await PostUserInfoAsync(login.Token, new { encryptedData, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "openid_mismatch");
        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.That(me.GetProperty("unionId").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(me.GetProperty("nickname").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase("微信用户", GreyAvatar, false)]
    [TestCase(" 微信用户 ", "http://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/0", false)]
    [TestCase("Real Name", "https://wx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/46", true)]
    public async Task UserInfo_DoesNotStoreWeChatsPlaceholders(string nickName, string avatarUrl, bool demoted)
    {
        var login = await Factory.LoginAsync($"info-placeholder-{Guid.NewGuid():N}", Client);
        await (await PutProfileAsync(login.Token, new { nickname = "Chosen", avatarUrl = Avatar })).IsOkAsync();
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new
        {
            nickName,
            avatarUrl,
            is_demote = demoted,
            unionId = "uPlaceholder0000000000000000",
        });

        var user = await (await PostUserInfoAsync(login.Token, new { encryptedData, iv })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("unionId").GetString(), Is.EqualTo("uPlaceholder0000000000000000"));
            Assert.That(user.GetProperty("nickname").GetString(), Is.EqualTo("Chosen"));
            Assert.That(user.GetProperty("avatarUrl").GetString(), Is.EqualTo(Avatar));
        });
    }

    [TestCase("u with space")]
    [TestCase("u\nforged-log-line")]
    [TestCase("uÜmlaut000000000000000000000")]
    public async Task UserInfo_DoesNotStoreAUnionIdThatCannotBeWeChats(string unionId)
    {
        var login = await Factory.LoginAsync($"info-badunion-{Guid.NewGuid():N}", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new { unionId });

        var user = await (await PostUserInfoAsync(login.Token, new { encryptedData, iv })).IsOkAsync();

        Assert.That(user.GetProperty("unionId").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task UserInfo_InAFormBody_ReadsASpaceInBase64AsThePlusItWas()
    {
        var login = await Factory.LoginAsync("info-form-plus.1", Client);
        var (encryptedData, iv) = ("", "");
        for (var attempt = 0; attempt < 100 && !(encryptedData + iv).Contains('+'); attempt++)
        {
            (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new { nickName = "Plus" });
        }
        Assume.That(encryptedData + iv, Does.Contain("+"));
        // Not percent-encoded, as some clients send it: the form reader turns each '+' into a space.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/user/userinfo")
        {
            Content = new StringContent($"encryptedData={encryptedData}&iv={iv}", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {login.Token}");

        var user = await (await Client.SendAsync(request)).IsOkAsync();

        Assert.That(user.GetProperty("nickname").GetString(), Is.EqualTo("Plus"));
    }

    private Task<HttpResponseMessage> PostUserInfoAsync(string? token, object? body) =>
        Client.SendJsonAsync(HttpMethod.Post, "/api/user/userinfo", token, body);

    private Task<HttpResponseMessage> PutProfileAsync(string? token, object? body) =>
        Client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", token, body);
}
