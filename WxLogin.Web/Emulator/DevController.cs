using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using WxLogin.Web.Extensions;
using WxLogin.Web.Filters;
using WxLogin.Web.Options;
using WxLogin.Web.Services;

namespace WxLogin.Web.Emulator;

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
    /// <summary>
    /// Encrypts the JSON object in the body with the current user's session_key (WXBizDataCrypt), adding
    /// watermark {appid, timestamp} unless the body has one. No body: an emulated phone number
    /// {"phoneNumber", "purePhoneNumber", "countryCode": "86"}.
    /// </summary>
    [CheckToken]
    [HttpPost("encrypt")]
    [ProducesResponseType<DevEncryptResponse>(StatusCodes.Status200OK, "application/json")]
    public async Task<DevEncryptResponse> Encrypt(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] JsonObject? payload,
        CancellationToken cancellationToken)
    {
        var user = await users.LoadAsync(HttpContext.GetCurrentUser(), cancellationToken);
        if (payload is null)
        {
            var phoneNumber = WeChatEmulator.EmulatedPhoneNumber(user.OpenId);
            payload = new JsonObject { ["phoneNumber"] = phoneNumber, ["purePhoneNumber"] = phoneNumber, ["countryCode"] = "86" };
        }
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
}
