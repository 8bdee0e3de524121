using System.Net;
using System.Text.Json;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Controllers;

/// <summary>POST /api/user/userinfo (decrypted user info) and PUT /api/user/profile (what the user types in).</summary>
[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class UserControllerProfileTests(DatabaseProvider provider) : AppFixture(provider)
{
    private const string Avatar = "https://thirdwx.qlogo.cn/mmopen/vi_32/Q0j4TwGTfTK/132";

    [Test]
    public async Task UserInfo_BindsUnionIdNicknameAndAvatar_FromEncryptedData()
    {
        var login = await Factory.LoginAsync("info.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new
        {
            openId = login.User.OpenId,
            nickName = "小明 🐼",
            gender = 0,
            avatarUrl = Avatar,
            unionId = "uInfoUnion000000000000000000",
        });

        var user = await (await PostUserInfoAsync(login.Token, new { encryptedData, iv })).IsOkAsync();

        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.Multiple(() =>
        {
            foreach (var answer in new[] { user, me })
            {
                Assert.That(answer.GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
                Assert.That(answer.GetProperty("unionId").GetString(), Is.EqualTo("uInfoUnion000000000000000000"));
                Assert.That(answer.GetProperty("nickname").GetString(), Is.EqualTo("小明 🐼"));
                Assert.That(answer.GetProperty("avatarUrl").GetString(), Is.EqualTo(Avatar));
            }
        });
    }

    [Test]
    public async Task UserInfo_BindsUnionId_AndLeavesOutUnusableNicknameAndAvatar()
    {
        var login = await Factory.LoginAsync("info-partial.1", Client);
        await (await PutProfileAsync(login.Token, new { nickname = "kept", avatarUrl = Avatar })).IsOkAsync();
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new
        {
            nickName = "bad\u0007name",
            avatarUrl = "http://insecure.example/a.png",
            unionId = "uPartialUnion0000000000000000",
        });

        var user = await (await PostUserInfoAsync(login.Token, new { encryptedData, iv })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("unionId").GetString(), Is.EqualTo("uPartialUnion0000000000000000"));
            Assert.That(user.GetProperty("nickname").GetString(), Is.EqualTo("kept"));
            Assert.That(user.GetProperty("avatarUrl").GetString(), Is.EqualTo(Avatar));
        });
    }

    [Test]
    public async Task UserInfo_AnswersSessionKeyStale_AfterANewLogin()
    {
        var login = await Factory.LoginAsync("info-stale.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token, new { unionId = "uStale" });
        var again = await Factory.LoginAsync("info-stale.2", Client);

        var response = await PostUserInfoAsync(again.Token, new { encryptedData, iv });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "session_key_stale");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("wx.login"));
    }

    [Test]
    public async Task UserInfo_AnswersWatermarkMismatch_ForDataOfAnotherApp()
    {
        var login = await Factory.LoginAsync("info-other-app.1", Client);
        var (encryptedData, iv) = await Client.EncryptForAsync(login.Token,
            new { unionId = "uOther", watermark = new { appid = "wx-other-app", timestamp = 1 } });

        var response = await PostUserInfoAsync(login.Token, new { encryptedData, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "watermark_mismatch");
        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.That(me.GetProperty("unionId").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase(null)]
    [TestCase("{}")]
    [TestCase("""{"encryptedData": "nlQtoLW7t1XL+q5JzMNHyw=="}""")]
    [TestCase("""{"encryptedData": "not base64!", "iv": "ZkVph+HfqC+LjSAuannzFw=="}""")]
    [TestCase("""{"encryptedData": "nlQtoLW7t1XL+q5JzMNHyw==", "iv": "AAAA"}""")]
    public async Task UserInfo_AnswersInvalidRequest_ForMalformedBodies(string? json)
    {
        var login = await Factory.LoginAsync($"info-malformed-{Guid.NewGuid():N}", Client);

        var response = await PostUserInfoAsync(login.Token, json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task UserInfo_AnswersTokenMissing_WithoutAuthorization()
    {
        var response = await PostUserInfoAsync(null, new { encryptedData = "x", iv = "y" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
    }

    [Test]
    public async Task Profile_SavesNicknameAndAvatar()
    {
        var login = await Factory.LoginAsync("profile.1", Client);

        var user = await (await PutProfileAsync(login.Token, new { nickname = "阿花", avatarUrl = Avatar })).IsOkAsync();

        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.Multiple(() =>
        {
            foreach (var answer in new[] { user, me })
            {
                Assert.That(answer.GetProperty("nickname").GetString(), Is.EqualTo("阿花"));
                Assert.That(answer.GetProperty("avatarUrl").GetString(), Is.EqualTo(Avatar));
                Assert.That(answer.GetProperty("openId").GetString(), Is.EqualTo(login.User.OpenId));
            }
        });
    }

    [Test]
    public async Task Profile_KeepsTheFieldThatIsLeftOut()
    {
        var login = await Factory.LoginAsync("profile-partial.1", Client);
        await (await PutProfileAsync(login.Token, new { nickname = "first", avatarUrl = Avatar })).IsOkAsync();

        var user = await (await PutProfileAsync(login.Token, new { nickname = "second" })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("nickname").GetString(), Is.EqualTo("second"));
            Assert.That(user.GetProperty("avatarUrl").GetString(), Is.EqualTo(Avatar));
        });
    }

    [Test]
    public async Task Profile_AcceptsTheLongestValues()
    {
        var login = await Factory.LoginAsync("profile-longest.1", Client);
        var nickname = new string('n', 64);
        var avatarUrl = "https://cdn.example.com/" + new string('a', 512 - "https://cdn.example.com/".Length);

        var user = await (await PutProfileAsync(login.Token, new { nickname, avatarUrl })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("nickname").GetString(), Is.EqualTo(nickname));
            Assert.That(user.GetProperty("avatarUrl").GetString(), Is.EqualTo(avatarUrl));
        });
    }

    private static IEnumerable<TestCaseData> InvalidProfiles()
    {
        yield return new TestCaseData("{}").SetName("Profile_AnswersInvalidRequest_WhenBothFieldsAreMissing");
        yield return new TestCaseData("""{"nickname": ""}""").SetName("Profile_AnswersInvalidRequest_ForAnEmptyNickname");
        yield return new TestCaseData("""{"nickname": "   "}""").SetName("Profile_AnswersInvalidRequest_ForABlankNickname");
        yield return new TestCaseData($$"""{"nickname": "{{new string('n', 65)}}"}""").SetName("Profile_AnswersInvalidRequest_ForA65CharacterNickname");
        yield return new TestCaseData("""{"nickname": "a\u0000b"}""").SetName("Profile_AnswersInvalidRequest_ForANicknameWithNul");
        yield return new TestCaseData("""{"nickname": "a\nb"}""").SetName("Profile_AnswersInvalidRequest_ForANicknameWithNewline");
        yield return new TestCaseData("""{"nickname": 42}""").SetName("Profile_AnswersInvalidRequest_ForANumericNickname");
        yield return new TestCaseData("""{"avatarUrl": "http://cdn.example.com/a.png"}""").SetName("Profile_AnswersInvalidRequest_ForAnHttpAvatar");
        yield return new TestCaseData("""{"avatarUrl": "wxfile://tmp_abc.jpg"}""").SetName("Profile_AnswersInvalidRequest_ForATemporaryWxfileAvatar");
        yield return new TestCaseData("""{"avatarUrl": "/uploads/a.png"}""").SetName("Profile_AnswersInvalidRequest_ForARelativeAvatar");
        yield return new TestCaseData("""{"avatarUrl": "https://cdn.example.com/a b.png"}""").SetName("Profile_AnswersInvalidRequest_ForAnAvatarWithASpace");
        yield return new TestCaseData($$"""{"avatarUrl": "https://cdn.example.com/{{new string('a', 489)}}"}""").SetName("Profile_AnswersInvalidRequest_ForA513CharacterAvatar");
        yield return new TestCaseData("""{"nickname": "ok", "avatarUrl": "ftp://cdn.example.com/a.png"}""").SetName("Profile_AnswersInvalidRequest_AndSavesNothing_WhenOneFieldIsInvalid");
    }

    [TestCaseSource(nameof(InvalidProfiles))]
    public async Task Profile_AnswersInvalidRequest(string json)
    {
        var login = await Factory.LoginAsync($"profile-invalid-{Guid.NewGuid():N}", Client);

        var response = await PutProfileAsync(login.Token, json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        var me = await (await Client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("nickname").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(me.GetProperty("avatarUrl").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task Profile_AnswersTokenMissing_WithoutAuthorization()
    {
        var response = await PutProfileAsync(null, new { nickname = "anonymous" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
    }

    [Test]
    public async Task Profile_AnswersMethodNotAllowed_ForPost()
    {
        var login = await Factory.LoginAsync("profile-post.1", Client);

        var response = await Client.SendJsonAsync(HttpMethod.Post, "/api/user/profile", login.Token, new { nickname = "x" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    private Task<HttpResponseMessage> PostUserInfoAsync(string? token, object? body) =>
        Client.SendJsonAsync(HttpMethod.Post, "/api/user/userinfo", token, body);

    private Task<HttpResponseMessage> PutProfileAsync(string? token, object? body) =>
        Client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", token, body);
}
