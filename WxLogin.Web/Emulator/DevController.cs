using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using WxLogin.Web.Errors;
using WxLogin.Web.Extensions;
using WxLogin.Web.Filters;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Emulator;

/// <summary>
/// What POST /api/dev/encrypt seals, as WeChat puts it in a button's encryptedData: a phone number
/// (getPhoneNumber) or user info (getUserInfo). Any other field is sealed as sent.
/// </summary>
public sealed record DevEncryptRequest
{
    public string? PhoneNumber { get; init; }

    public string? PurePhoneNumber { get; init; }

    /// <summary>"86"; WeChat has sent it as a number too, which is sealed as sent.</summary>
    public object? CountryCode { get; init; }

    public string? OpenId { get; init; }

    public string? UnionId { get; init; }

    public string? NickName { get; init; }

    public string? AvatarUrl { get; init; }

    /// <summary>Left out: our AppId and the current time, so the data passes the watermark check.</summary>
    public DevWatermark? Watermark { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? OtherFields { get; init; }
}

/// <summary>WeChat's watermark: the AppId the data was made for and when.</summary>
public sealed record DevWatermark(string? Appid, long? Timestamp);

/// <summary>
/// Body of POST /api/dev/wechat-push. event: user_authorization_cancellation, user_authorization_revoke,
/// user_info_modified or any other; revokeInfo: e.g. "8" or "6,8" (left out: none sent); format: "json"
/// (default) or "xml"; deliver: also hand the push to /api/wechat/events's handling at once.
/// </summary>
public sealed record DevWeChatPushRequest(string? Event, string? OpenId, string? RevokeInfo, string? Format, bool Deliver);

/// <summary>
/// A push as WeChat would send it: POST <c>url</c> (path and query) with <c>body</c> as <c>contentType</c>.
/// <c>answer</c>: what the events route answered, when deliver was true.
/// </summary>
public sealed record DevWeChatPushResponse(string Url, string ContentType, string Body, string? Answer);

/// <summary>encryptedData and iv made with the current user's session_key, as a getPhoneNumber button would give them.</summary>
public sealed record DevEncryptResponse(string EncryptedData, string Iv);

/// <summary>
/// Development helpers, so the encryptedData paths of /api/user/phone and /api/user/userinfo can be
/// tried from Swagger UI. Exists only in the Development environment (and Testing).
/// </summary>
[ApiController]
[Route("api/dev")]
[DevelopmentOnly]
public sealed class DevController(UserService users, IOptions<WeChatOptions> options, TimeProvider time) : ControllerBase
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Encrypts the body with the current user's session_key (WXBizDataCrypt), adding watermark
    /// {appid, timestamp} unless the body has one. No body: an emulated phone number. Paste the answer
    /// into POST /api/user/phone (a phone number) or POST /api/user/userinfo (user info).
    /// </summary>
    [CheckToken]
    [HttpPost("encrypt")]
    [ProducesResponseType<DevEncryptResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, ErrorCodes.SessionKeyStale)]
    public async Task<DevEncryptResponse> Encrypt(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DevEncryptRequest? request,
        CancellationToken cancellationToken)
    {
        var user = await users.LoadAsync(HttpContext.GetCurrentUser(), cancellationToken);
        var payload = request is null
            ? EmulatedPhone(WeChatEmulator.EmulatedPhoneNumber(user.OpenId))
            : JsonSerializer.SerializeToNode(request, PayloadJson)!.AsObject();
        // As WeChat's user info carries it; /api/user/userinfo checks it is the caller's.
        payload["openId"] ??= user.OpenId;
        payload["watermark"] ??= new JsonObject
        {
            ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["appid"] = options.Value.AppId,
        };
        var (encryptedData, iv) = WeChatEmulator.EncryptUserData(users.SessionKeyOf(user), payload.ToJsonString());
        return new DevEncryptResponse(encryptedData, iv);
    }

    private static JsonObject EmulatedPhone(string phoneNumber) =>
        new() { ["phoneNumber"] = phoneNumber, ["purePhoneNumber"] = phoneNumber, ["countryCode"] = "86" };

    /// <summary>
    /// Builds a push of WeChat's message push for an event and an OpenID, signed with WeChat:PushToken and
    /// encrypted (safe mode) when WeChat:EncodingAESKey is set. With "deliver": true it also goes through the
    /// events route's checks and handling and "answer" says what the route answered ("success").
    /// </summary>
    [HttpPost("wechat-push")]
    [ProducesResponseType<DevWeChatPushResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest)]
    public async Task<DevWeChatPushResponse> BuildWeChatPush(
        [FromBody] DevWeChatPushRequest request,
        [FromServices] WeChatPushService push,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.PushToken))
        {
            throw DevInvalidRequest("No WeChat:PushToken is configured (env: WeChat__PushToken): the events route does not exist.");
        }
        if (string.IsNullOrWhiteSpace(request.Event) || string.IsNullOrWhiteSpace(request.OpenId))
        {
            throw DevInvalidRequest("Send at least {\"event\": \"user_authorization_revoke\", \"openId\": \"...\"}.");
        }
        var format = request.Format?.ToLowerInvariant() switch
        {
            null or "" or "json" => WeChatPushFormat.Json,
            "xml" => WeChatPushFormat.Xml,
            _ => throw DevInvalidRequest("format is \"json\" or \"xml\"."),
        };
        var built = WeChatPushBuilder.Build(options.Value, time.GetUtcNow(), request.Event, request.OpenId, request.RevokeInfo, format);
        var answer = request.Deliver
            ? await push.ReceiveAsync(built.Query, built.ContentType, built.Body, cancellationToken)
            : null;
        return new DevWeChatPushResponse(built.PathAndQuery, built.ContentType, built.Body, answer);
    }

    private static ApiException DevInvalidRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, detail);
}
