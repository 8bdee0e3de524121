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
}
