using System.Net;
using System.Text;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Emulator;

/// <summary>POST /api/dev/wechat-push: WeChat's side of message push, for Swagger UI and curl.</summary>
public sealed class DevWeChatPushTests
{
    private static readonly Dictionary<string, string?> SafeMode = new()
    {
        ["WeChat:PushToken"] = "devPushToken",
        ["WeChat:EncodingAESKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    };

    [TestCase("json", "application/json", "{\"ToUserName\"")]
    [TestCase("xml", "text/xml", "<xml><ToUserName>")]
    public async Task WeChatPush_BuildsASignedEncryptedPush_ThatTheEventsRouteAccepts(string format, string contentType, string bodyStart)
    {
        using var factory = new WxLoginFactory(SafeMode);
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("dev-push.1", client);

        var built = await (await client.SendJsonAsync(HttpMethod.Post, "/api/dev/wechat-push", null,
            new { @event = "user_authorization_cancellation", openId = login.User.OpenId, format })).IsOkAsync();
        var url = built.GetProperty("url").GetString()!;
        var body = built.GetProperty("body").GetString()!;
        var answer = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, built.GetProperty("contentType").GetString()!));

        Assert.Multiple(async () =>
        {
            Assert.That(url, Does.StartWith("/api/wechat/events?signature=").And.Contain("&encrypt_type=aes&msg_signature="));
            Assert.That(built.GetProperty("contentType").GetString(), Is.EqualTo(contentType));
            Assert.That(body, Does.StartWith(bodyStart).And.Contain("Encrypt").And.Not.Contain(login.User.OpenId));
            Assert.That(built.GetProperty("answer").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(await answer.Content.ReadAsStringAsync(), Is.EqualTo("success"));
            Assert.That((await factory.UserAsync(login.User.OpenId)).Exists, Is.False);
        });
    }

    [Test]
    public async Task WeChatPush_WithDeliver_HandlesThePushAtOnce()
    {
        using var factory = new WxLoginFactory(SafeMode);
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("dev-deliver.1", client);
        (await client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", login.Token, new { nickname = "Dev" })).EnsureSuccessStatusCode();

        var built = await (await client.SendJsonAsync(HttpMethod.Post, "/api/dev/wechat-push", null,
            new { @event = "user_authorization_revoke", openId = login.User.OpenId, revokeInfo = "6", deliver = true })).IsOkAsync();

        var me = await (await client.GetMeAsync(login.Token)).IsOkAsync();
        Assert.Multiple(() =>
        {
            Assert.That(built.GetProperty("answer").GetString(), Is.EqualTo("success"));
            Assert.That(me.GetProperty("nickname").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        });
    }

    [Test]
    public async Task WeChatPush_WithoutEncodingAesKey_BuildsAPlaintextPush()
    {
        using var factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = "devPushToken" });
        using var client = factory.CreateClient();

        var built = await (await client.SendJsonAsync(HttpMethod.Post, "/api/dev/wechat-push", null,
            new { @event = "user_info_modified", openId = "oSomeone", format = "xml", deliver = true })).IsOkAsync();

        Assert.Multiple(() =>
        {
            Assert.That(built.GetProperty("url").GetString(), Does.Not.Contain("encrypt_type"));
            Assert.That(built.GetProperty("body").GetString(), Does.Contain("<Event><![CDATA[user_info_modified]]></Event>"));
            Assert.That(built.GetProperty("answer").GetString(), Is.EqualTo("success"));
        });
    }

    [TestCase("{\"openId\":\"o1\"}")]
    [TestCase("{\"event\":\"user_info_modified\"}")]
    [TestCase("{\"event\":\"user_info_modified\",\"openId\":\"o1\",\"format\":\"yaml\"}")]
    public async Task WeChatPush_AnswersInvalidRequest_ForAnIncompleteRequest(string json)
    {
        using var factory = new WxLoginFactory(SafeMode);
        using var client = factory.CreateClient();

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/dev/wechat-push", null, json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task WeChatPush_AnswersInvalidRequest_WithoutAPushToken()
    {
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/dev/wechat-push", null, new { @event = "user_info_modified", openId = "o1" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("WeChat__PushToken"));
    }

    [Test]
    public async Task WeChatPush_DoesNotExist_OutsideDevelopment()
    {
        using var factory = new WxLoginFactory(SafeMode, environment: "Staging");
        using var client = factory.CreateClient();

        var response = await client.SendJsonAsync(HttpMethod.Post, "/api/dev/wechat-push", null, new { @event = "user_info_modified", openId = "o1" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
