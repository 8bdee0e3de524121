using System.Net;
using System.Text;
using WxLogin.Tests.Infrastructure;
using WxLogin.Tests.Services.WeChat;
using WxLogin.Web.Emulator;
using WxLogin.Web.Options;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Controllers;

/// <summary>
/// /api/wechat/events: WeChat's message push, in safe mode (EncodingAESKey set) and in plaintext mode,
/// JSON and XML. Every refusal leaves the database as it was.
/// </summary>
[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class WeChatEventsControllerTests(DatabaseProvider provider)
{
    private const string PushToken = "testPushToken42";
    private const string EncodingAesKey = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private const string Avatar = "https://thirdwx.qlogo.cn/mmopen/vi_32/events/132";

    private WxLoginFactory _safe = null!;
    private HttpClient _safeClient = null!;
    private WxLoginFactory _plain = null!;
    private HttpClient _plainClient = null!;

    private static WeChatOptions SafeOptions => Options(encodingAesKey: EncodingAesKey);

    private static WeChatOptions PlainOptions => Options();

    /// <summary>The settings WeChat's side signs and encrypts with (by default: ours, plaintext mode).</summary>
    private static WeChatOptions Options(string appId = WxLoginFactory.AppId, string pushToken = PushToken, string? encodingAesKey = null) =>
        new() { AppId = appId, PushToken = pushToken, EncodingAESKey = encodingAesKey };

    [OneTimeSetUp]
    public void StartApps()
    {
        _safe = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = PushToken, ["WeChat:EncodingAESKey"] = EncodingAesKey }, provider: provider);
        _safeClient = _safe.CreateClient();
        _plain = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = PushToken }, provider: provider);
        _plainClient = _plain.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApps()
    {
        _safeClient?.Dispose();
        _safe?.Dispose();
        _plainClient?.Dispose();
        _plain?.Dispose();
    }

    // ---- URL check ----

    [Test]
    public async Task UrlCheck_AnswersTheEchostrAsPlainText_WhenTheSignatureMatches()
    {
        var timestamp = Now(_safe);
        var signature = WeChatMessageCrypto.Signature(PushToken, timestamp, "nonce1");

        var response = await _safeClient.GetAsync($"/api/wechat/events?signature={signature}&timestamp={timestamp}&nonce=nonce1&echostr=7091234567890");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("7091234567890"));
        });
    }

    [TestCase("0000000000000000000000000000000000000000")]
    [TestCase("")]
    public async Task UrlCheck_AnswersSignatureInvalid_ForAWrongSignature(string signature)
    {
        var response = await _safeClient.GetAsync($"/api/wechat/events?signature={signature}&timestamp={Now(_safe)}&nonce=n&echostr=echo");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "signature_invalid");
        Assert.That(problem.ToString(), Does.Not.Contain("echo\""));
    }

    [Test]
    public async Task UrlCheck_AnswersSignatureInvalid_ForASignatureMadeWithAnotherToken()
    {
        var timestamp = Now(_safe);
        var signature = WeChatMessageCrypto.Signature("otherToken", timestamp, "n");

        var response = await _safeClient.GetAsync($"/api/wechat/events?signature={signature}&timestamp={timestamp}&nonce=n&echostr=echo");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Test]
    public async Task UrlCheck_AnswersSignatureInvalid_ForATimestampMoreThan5MinutesAway()
    {
        var timestamp = _safe.Clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds().ToString();
        var signature = WeChatMessageCrypto.Signature(PushToken, timestamp, "n");

        var response = await _safeClient.GetAsync($"/api/wechat/events?signature={signature}&timestamp={timestamp}&nonce=n&echostr=echo");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Test]
    public async Task Events_AnswerNotFound_WithoutAPushToken()
    {
        using var factory = new WxLoginFactory(provider: provider);
        using var client = factory.CreateClient();
        await factory.LoginAsync("no-push.1", client);
        var before = await factory.SnapshotAsync();
        var push = WeChatPushBuilder.Build(SafeOptions, factory.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, "o", null, WeChatPushFormat.Json);

        var get = await client.GetAsync("/api/wechat/events?signature=x&timestamp=1&nonce=n&echostr=e");
        var post = await PostAsync(client, push);

        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(post, HttpStatusCode.NotFound, "not_found");
        Assert.That(await factory.SnapshotAsync(), Is.EqualTo(before));
    }

    // ---- the events, both modes, both formats ----

    [Test]
    public async Task Cancellation_DeletesTheUser_AndItsTokenAnswersTokenInvalid(
        [Values] bool safeMode, [Values] WeChatPushFormat format)
    {
        var (factory, client, options) = App(safeMode);
        var login = await factory.LoginAsync($"cancel-{safeMode}-{format}.1", client);
        var push = WeChatPushBuilder.Build(options, factory.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, format);

        await IsSuccessAsync(await PostAsync(client, push));

        Assert.That((await factory.UserAsync(login.User.OpenId)).Exists, Is.False);
        await ProblemAssert.IsProblemAsync(await client.GetMeAsync(login.Token), HttpStatusCode.Unauthorized, "token_invalid");
    }

    [TestCase("6", true, false)]
    [TestCase("19", true, false)]
    [TestCase("20", true, false)]
    [TestCase("8", false, true)]
    [TestCase("6,8", true, true)]
    [TestCase("19, 20", true, false)]
    [TestCase("99", true, true)]
    [TestCase("6,abc", true, true)]
    [TestCase("", true, true)]
    [TestCase(null, true, true)]
    public async Task Revoke_ClearsWhatWasWithdrawn_AndKeepsTheAccountAndToken(string? revokeInfo, bool profileCleared, bool phoneCleared)
    {
        var login = await LoginWithProfileAndPhoneAsync(_safe, _safeClient, $"revoke-{revokeInfo ?? "null"}".Replace(",", "_").Replace(" ", ""));
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), WeChatPushService.RevokeEvent, login.User.OpenId, revokeInfo, WeChatPushFormat.Json);

        await IsSuccessAsync(await PostAsync(_safeClient, push));

        var me = await (await _safeClient.GetMeAsync(login.Token)).IsOkAsync();
        var (_, row) = await _safe.UserAsync(login.User.OpenId);
        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
            Assert.That(row["Nickname"], profileCleared ? Is.Null : Is.EqualTo("Revoker"));
            Assert.That(row["AvatarUrl"], profileCleared ? Is.Null : Is.EqualTo(Avatar));
            Assert.That(row["PhoneNumber"], phoneCleared ? Is.Null : Is.Not.Null);
            Assert.That(row["PurePhoneNumber"], phoneCleared ? Is.Null : Is.Not.Null);
            Assert.That(row["CountryCode"], phoneCleared ? Is.Null : Is.EqualTo("86"));
            Assert.That(row["SessionKeyProtected"], Is.Not.Null);
            Assert.That(row["TokenDigest"], Is.Not.Null);
        });
    }

    [Test]
    public async Task Revoke_InPlaintextXml_ClearsThePhone()
    {
        var login = await LoginWithProfileAndPhoneAsync(_plain, _plainClient, "revoke-plain-xml");
        var push = WeChatPushBuilder.Build(PlainOptions, _plain.Clock.GetUtcNow(), WeChatPushService.RevokeEvent, login.User.OpenId, "8", WeChatPushFormat.Xml);

        await IsSuccessAsync(await PostAsync(_plainClient, push));

        var (_, row) = await _plain.UserAsync(login.User.OpenId);
        Assert.Multiple(() =>
        {
            Assert.That(push.Body, Does.StartWith("<xml>").And.Contain("<RevokeInfo><![CDATA[8]]></RevokeInfo>"));
            Assert.That(row["PhoneNumber"], Is.Null);
            Assert.That(row["Nickname"], Is.EqualTo("Revoker"));
        });
    }

    [Test]
    public async Task Revoke_WithRevokeInfoAsAJsonNumber_IsUnderstood()
    {
        var login = await LoginWithProfileAndPhoneAsync(_plain, _plainClient, "revoke-number");
        var message = $$"""{"ToUserName":"gh_x","CreateTime":1,"MsgType":"event","Event":"user_authorization_revoke","OpenID":"{{login.User.OpenId}}","RevokeInfo":8}""";
        var push = WeChatPushBuilder.Sign(PlainOptions, Now(_plain), login.User.OpenId, message, WeChatPushFormat.Json);

        await IsSuccessAsync(await PostAsync(_plainClient, push));

        var (_, row) = await _plain.UserAsync(login.User.OpenId);
        Assert.Multiple(() =>
        {
            Assert.That(row["PhoneNumber"], Is.Null);
            Assert.That(row["Nickname"], Is.EqualTo("Revoker"));
        });
    }

    [TestCase(WeChatPushService.InfoModifiedEvent)]
    [TestCase("subscribe")]
    [TestCase("user_enter_tempsession")]
    public async Task OtherEvents_AnswerSuccess_AndChangeNothing(string @event)
    {
        await LoginWithProfileAndPhoneAsync(_safe, _safeClient, $"other-{@event}");
        var openId = (await _safe.LoginAsync($"other-{@event}.2", _safeClient)).User.OpenId;
        var before = await _safe.SnapshotAsync();
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), @event, openId, "6", WeChatPushFormat.Xml);

        await IsSuccessAsync(await PostAsync(_safeClient, push));

        Assert.That(await _safe.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task UserInfoModified_IsLogged()
    {
        var openId = (await _plain.LoginAsync("info-modified-log.1", _plainClient)).User.OpenId;
        var push = WeChatPushBuilder.Build(PlainOptions, _plain.Clock.GetUtcNow(), WeChatPushService.InfoModifiedEvent, openId, null, WeChatPushFormat.Json);

        await IsSuccessAsync(await PostAsync(_plainClient, push));

        Assert.That(_plain.Logs, Has.Some.Contains("Push user_info_modified: a user changed their WeChat info"));
    }

    [Test]
    public async Task TextMessages_AnswerSuccess_AndChangeNothing()
    {
        var openId = (await _plain.LoginAsync("text-message.1", _plainClient)).User.OpenId;
        var before = await _plain.SnapshotAsync();
        var message = $"<xml><ToUserName>gh_x</ToUserName><FromUserName>{openId}</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><OpenID>{openId}</OpenID><Event>user_authorization_cancellation</Event></xml>";
        var push = WeChatPushBuilder.Sign(PlainOptions, Now(_plain), openId, message, WeChatPushFormat.Xml);

        await IsSuccessAsync(await PostAsync(_plainClient, push));

        Assert.That(await _plain.SnapshotAsync(), Is.EqualTo(before));
    }

    [TestCase(WeChatPushService.CancellationEvent)]
    [TestCase(WeChatPushService.RevokeEvent)]
    public async Task Events_ForAnUnknownOpenId_AnswerSuccess_AndChangeNothing(string @event)
    {
        await LoginWithProfileAndPhoneAsync(_safe, _safeClient, $"bystander-{@event}");
        var before = await _safe.SnapshotAsync();
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), @event, "oNobodyHasThisOpenId", null, WeChatPushFormat.Json);

        await IsSuccessAsync(await PostAsync(_safeClient, push));

        Assert.That(await _safe.SnapshotAsync(), Is.EqualTo(before));
    }

    // ---- duplicates: WeChat retries ----

    [Test]
    public async Task TheSameCancellationTwice_AnswersSuccessBothTimes()
    {
        var login = await _safe.LoginAsync("cancel-twice.1", _safeClient);
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        await IsSuccessAsync(await PostAsync(_safeClient, push));
        var afterFirst = await _safe.SnapshotAsync();
        await IsSuccessAsync(await PostAsync(_safeClient, push));

        Assert.Multiple(async () =>
        {
            Assert.That((await _safe.UserAsync(login.User.OpenId)).Exists, Is.False);
            Assert.That(await _safe.SnapshotAsync(), Is.EqualTo(afterFirst));
        });
    }

    [Test]
    public async Task TheSameRevokeTwice_ChangesNothingTheSecondTime_NotEvenUpdatedAt()
    {
        var login = await LoginWithProfileAndPhoneAsync(_safe, _safeClient, "revoke-twice");
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), WeChatPushService.RevokeEvent, login.User.OpenId, "6", WeChatPushFormat.Xml);

        await IsSuccessAsync(await PostAsync(_safeClient, push));
        var afterFirst = await _safe.SnapshotAsync();
        _safe.Clock.Advance(TimeSpan.FromSeconds(5));
        await IsSuccessAsync(await PostAsync(_safeClient, push));

        Assert.That(await _safe.SnapshotAsync(), Is.EqualTo(afterFirst));
    }

    // ---- refusals: nothing changes ----

    [Test]
    public async Task PlaintextPush_WhenAnEncodingAesKeyIsConfigured_AnswersSignatureInvalid()
    {
        var login = await _safe.LoginAsync("plain-to-safe.1", _safeClient);
        var push = WeChatPushBuilder.Build(PlainOptions, _safe.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        await IsRefusedAsync(_safe, PostAsync(_safeClient, push), HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [TestCase(-301)]
    [TestCase(301)]
    public async Task Push_WithATimestampMoreThan5MinutesAway_AnswersSignatureInvalid(int secondsAway)
    {
        var login = await _safe.LoginAsync($"replay{secondsAway}.1", _safeClient);
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow().AddSeconds(secondsAway), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        var problem = await IsRefusedAsync(_safe, PostAsync(_safeClient, push), HttpStatusCode.Unauthorized, "signature_invalid");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("5 minutes"));
    }

    [Test]
    public async Task Push_WithATimestampWithin5Minutes_IsAccepted()
    {
        var login = await _safe.LoginAsync("replay-inside.1", _safeClient);
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow().AddSeconds(-299), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        await IsSuccessAsync(await PostAsync(_safeClient, push));
    }

    [Test]
    public async Task Push_WithATamperedMsgSignature_AnswersSignatureInvalid()
    {
        var login = await _safe.LoginAsync("bad-msg-signature.1", _safeClient);
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);
        var tampered = push with { PathAndQuery = push.PathAndQuery.Replace($"msg_signature={push.Query.MsgSignature}", $"msg_signature={new string('0', 40)}") };

        await IsRefusedAsync(_safe, PostAsync(_safeClient, tampered), HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Test]
    public async Task Push_WhoseEncryptWasSwapped_AnswersSignatureInvalid()
    {
        var login = await _safe.LoginAsync("swapped.1", _safeClient);
        var push = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);
        var other = WeChatPushBuilder.Build(SafeOptions, _safe.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        await IsRefusedAsync(_safe, PostAsync(_safeClient, push with { Body = other.Body }), HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Test]
    public async Task PlaintextPush_WithAWrongSignature_AnswersSignatureInvalid()
    {
        var login = await _plain.LoginAsync("plain-bad-signature.1", _plainClient);
        var push = WeChatPushBuilder.Build(Options(pushToken: "someoneElse"), _plain.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        await IsRefusedAsync(_plain, PostAsync(_plainClient, push), HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Test]
    public async Task Push_EncryptedWithAnotherKey_AnswersInvalidRequest()
    {
        var login = await _safe.LoginAsync("other-key.1", _safeClient);
        var push = WeChatPushBuilder.Build(Options(encodingAesKey: WeChatMessageCryptoTests.GuideEncodingAesKey), _safe.Clock.GetUtcNow(),
            WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Xml);

        await IsRefusedAsync(_safe, PostAsync(_safeClient, push), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task Push_ForAnotherAppId_AnswersInvalidRequest()
    {
        var login = await _safe.LoginAsync("other-appid.1", _safeClient);
        var push = WeChatPushBuilder.Build(Options(appId: "wx-someone-else", encodingAesKey: EncodingAesKey), _safe.Clock.GetUtcNow(),
            WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        var problem = await IsRefusedAsync(_safe, PostAsync(_safeClient, push), HttpStatusCode.BadRequest, "invalid_request");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("AppID"));
    }

    [Test]
    public async Task Push_DeclaredJsonButSentAsXml_AnswersInvalidRequest([Values] bool safeMode)
    {
        var (factory, client, options) = App(safeMode);
        var login = await factory.LoginAsync($"wrong-format-{safeMode}.1", client);
        var push = WeChatPushBuilder.Build(options, factory.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Xml);

        await IsRefusedAsync(factory, PostAsync(client, push with { ContentType = "application/json" }), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task SafePush_WhoseDecryptedMessageIsNotTheDeclaredFormat_AnswersInvalidRequest()
    {
        var login = await _safe.LoginAsync("inner-format.1", _safeClient);
        var xmlInside = $"<xml><MsgType>event</MsgType><Event>user_authorization_cancellation</Event><OpenID>{login.User.OpenId}</OpenID></xml>";
        var push = WeChatPushBuilder.Sign(SafeOptions, Now(_safe), login.User.OpenId, xmlInside, WeChatPushFormat.Json);

        await IsRefusedAsync(_safe, PostAsync(_safeClient, push), HttpStatusCode.BadRequest, "invalid_request");
    }

    [TestCase("application/json", "not json at all")]
    [TestCase("text/xml", "<xml><unclosed></xml>")]
    [TestCase("text/plain", "neither")]
    [TestCase("application/json", "[1,2]")]
    [TestCase("application/json", "{\"ToUserName\":\"gh\"}")]
    public async Task SafePush_WithAMalformedBody_AnswersInvalidRequest(string contentType, string body)
    {
        await _safe.LoginAsync($"malformed-{body.Length}.1", _safeClient);
        var push = WeChatPushBuilder.Sign(SafeOptions, Now(_safe), "o", "{}", WeChatPushFormat.Json);

        await IsRefusedAsync(_safe, PostAsync(_safeClient, push with { ContentType = contentType, Body = body }), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task XmlWithADoctype_IsRefused_AndNoEntityIsExpanded()
    {
        var login = await _plain.LoginAsync("xxe.1", _plainClient);
        var message = $"""<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><MsgType>event</MsgType><Event>user_authorization_cancellation</Event><OpenID>{login.User.OpenId}</OpenID><X>&e;</X></xml>""";
        var push = WeChatPushBuilder.Sign(PlainOptions, Now(_plain), login.User.OpenId, message, WeChatPushFormat.Xml);

        await IsRefusedAsync(_plain, PostAsync(_plainClient, push), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task SafePush_ToAServerWithoutEncodingAesKey_AnswersInvalidRequest()
    {
        var login = await _plain.LoginAsync("safe-to-plain.1", _plainClient);
        var push = WeChatPushBuilder.Build(SafeOptions, _plain.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        var problem = await IsRefusedAsync(_plain, PostAsync(_plainClient, push), HttpStatusCode.BadRequest, "invalid_request");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("WeChat__EncodingAESKey"));
    }

    [Test]
    public async Task Push_LargerThan64KB_AnswersPayloadTooLarge()
    {
        var login = await _plain.LoginAsync("too-large.1", _plainClient);
        var padding = new string('x', 64 * 1024);
        var message = $$"""{"MsgType":"event","Event":"user_authorization_cancellation","OpenID":"{{login.User.OpenId}}","Padding":"{{padding}}"}""";
        var push = WeChatPushBuilder.Sign(PlainOptions, Now(_plain), login.User.OpenId, message, WeChatPushFormat.Json);

        await IsRefusedAsync(_plain, PostAsync(_plainClient, push), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Test]
    public async Task Push_OfExactly64KB_IsAccepted()
    {
        var login = await _plain.LoginAsync("just-fits.1", _plainClient);
        var head = $$"""{"MsgType":"event","Event":"user_authorization_cancellation","OpenID":"{{login.User.OpenId}}","Padding":" """;
        var message = head + new string('x', 64 * 1024 - Encoding.UTF8.GetByteCount(head) - 2) + "\"}";
        var push = WeChatPushBuilder.Sign(PlainOptions, Now(_plain), login.User.OpenId, message, WeChatPushFormat.Json);

        Assert.That(Encoding.UTF8.GetByteCount(push.Body), Is.EqualTo(64 * 1024));
        await IsSuccessAsync(await PostAsync(_plainClient, push));
        Assert.That((await _plain.UserAsync(login.User.OpenId)).Exists, Is.False);
    }

    // ---- WeChat's known answer, end to end ----

    [Test]
    public async Task TheEncryptionGuidesMessage_IsAccepted_WhenTheClockIsAtItsTimestamp()
    {
        using var factory = GuideApp();
        factory.Clock.Advance(DateTimeOffset.FromUnixTimeSeconds(long.Parse(WeChatMessageCryptoTests.GuideTimestamp)) - factory.Clock.GetUtcNow());

        var response = await PostGuideMessageAsync(factory);

        await IsSuccessAsync(response);
    }

    [Test]
    public async Task TheEncryptionGuidesMessage_IsARefusedReplay_Today()
    {
        using var factory = GuideApp();

        var response = await PostGuideMessageAsync(factory);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "signature_invalid");
    }

    private static WxLoginFactory GuideApp() => new(new Dictionary<string, string?>
    {
        ["WeChat:AppId"] = WeChatMessageCryptoTests.GuideAppId,
        ["WeChat:PushToken"] = WeChatMessageCryptoTests.GuideToken,
        ["WeChat:EncodingAESKey"] = WeChatMessageCryptoTests.GuideEncodingAesKey,
    });

    private static Task<HttpResponseMessage> PostGuideMessageAsync(WxLoginFactory factory)
    {
        var body = $"<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[{WeChatMessageCryptoTests.GuideEncrypt}]]></Encrypt></xml>";
        var url = $"/api/wechat/events?timestamp={WeChatMessageCryptoTests.GuideTimestamp}&nonce={WeChatMessageCryptoTests.GuideNonce}" +
            $"&encrypt_type=aes&msg_signature={WeChatMessageCryptoTests.GuideMsgSignature}";
        return factory.CreateClient().PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    // ---- helpers ----

    private (WxLoginFactory Factory, HttpClient Client, WeChatOptions Options) App(bool safeMode) =>
        safeMode ? (_safe, _safeClient, SafeOptions) : (_plain, _plainClient, PlainOptions);

    private static string Now(WxLoginFactory factory) => factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString();

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, WeChatPush push) =>
        client.PostAsync(push.PathAndQuery, new StringContent(push.Body, Encoding.UTF8, push.ContentType));

    private static async Task IsSuccessAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(body, Is.EqualTo("success"));
        });
    }

    /// <summary>The refusal's status and code, and the Users table exactly as it was before.</summary>
    private static async Task<System.Text.Json.JsonElement> IsRefusedAsync(WxLoginFactory factory, Task<HttpResponseMessage> send, HttpStatusCode status, string code)
    {
        var before = await factory.SnapshotAsync();
        var problem = await ProblemAssert.IsProblemAsync(await send, status, code);
        Assert.That(await factory.SnapshotAsync(), Is.EqualTo(before), "a refused push changes nothing");
        return problem;
    }

    private static async Task<Web.Models.LoginResponse> LoginWithProfileAndPhoneAsync(WxLoginFactory factory, HttpClient client, string name)
    {
        var login = await factory.LoginAsync($"{name}.1", client);
        (await client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", login.Token, new { nickname = "Revoker", avatarUrl = Avatar })).EnsureSuccessStatusCode();
        (await client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", login.Token, new { code = $"{name}-phone.1" })).EnsureSuccessStatusCode();
        return login;
    }
}
