using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using WxLogin.Web.Errors;
using WxLogin.Web.Filters;
using WxLogin.Web.Models;
using WxLogin.Web.Options;
using WxLogin.Web.Services;

namespace WxLogin.Web.Controllers;

/// <summary>Login, the current user, phone number, user info, profile and logout (ThinkPHP's app/controller/User.php).</summary>
/// <remarks>
/// Services come [FromServices] to the actions that use them, none through the constructor: built there,
/// every GET /api/user/me paid for an EF Core DbContext (UserService), a typed WeChat HttpClient and a
/// Data Protection protector (LoginService) that it never touched, a third of its CPU time.
/// </remarks>
[ApiController]
[Route("api/user")]
// Tokens and personal data: Cache-Control no-store (and Pragma no-cache for HTTP/1.0 caches), so no proxy or browser keeps them.
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class UserController : ControllerBase
{
    /// <summary>Exchanges a wx.login code for our token. JSON or form body with a "code" field.</summary>
    [HttpPost("login")]
    [LimitRejectedCodes]
    [RequestSizeLimit(BodyLimits.Small)]
    [ProducesResponseType<LoginResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.CodeMissing, ErrorCodes.InvalidRequest, ErrorCodes.CodeInvalid, ErrorCodes.CodeUsed)]
    [ProducesProblem(StatusCodes.Status403Forbidden, ErrorCodes.WxUserBlocked)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests, ErrorCodes.WxRateLimited)]
    [ProducesProblem(StatusCodes.Status500InternalServerError, ErrorCodes.WxMisconfigured)]
    [ProducesProblem(StatusCodes.Status502BadGateway, ErrorCodes.WxError)]
    [ProducesProblem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.WxUnavailable)]
    public async Task<LoginResponse> Login(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] LoginRequest? request,
        [FromServices] LoginService login,
        CancellationToken cancellationToken)
    {
        var result = await login.LoginAsync(request?.Code, cancellationToken);
        return new LoginResponse(
            result.Token,
            new DateTimeOffset(result.ExpiresAt, TimeSpan.Zero),
            UserResponse.From(result.User));
    }

    /// <summary>The user the token belongs to.</summary>
    [CheckToken]
    [HttpGet("me")]
    [ProducesResponseType<UserResponse>(StatusCodes.Status200OK, "application/json")]
    public UserResponse Me() => UserResponse.From(HttpContext.GetCurrentUser());

    /// <summary>
    /// Binds the user's phone number: {"code"} from the getPhoneNumber button (e.detail.code), or
    /// {"encryptedData", "iv"} from older clients, decrypted with the session_key of the last login.
    /// </summary>
    [CheckToken]
    [HttpPost("phone")]
    [RequestSizeLimit(BodyLimits.EncryptedData)]
    [ProducesResponseType<PhoneResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, ErrorCodes.CodeInvalid, ErrorCodes.CodeUsed,
        ErrorCodes.SessionKeyStale, ErrorCodes.WatermarkMismatch)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests, ErrorCodes.WxRateLimited)]
    [ProducesProblem(StatusCodes.Status500InternalServerError, ErrorCodes.WxMisconfigured)]
    [ProducesProblem(StatusCodes.Status502BadGateway, ErrorCodes.WxError)]
    [ProducesProblem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.WxUnavailable)]
    public Task<PhoneResponse> Phone(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] PhoneRequest? request,
        [FromServices] UserService users,
        CancellationToken cancellationToken) =>
        users.BindPhoneAsync(HttpContext.GetCurrentUser(), request, cancellationToken);

    /// <summary>Decrypts the user-info encryptedData and binds unionId (and nickname and avatar when present).</summary>
    [CheckToken]
    [HttpPost("userinfo")]
    [RequestSizeLimit(BodyLimits.EncryptedData)]
    [ProducesResponseType<UserResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, ErrorCodes.SessionKeyStale, ErrorCodes.WatermarkMismatch,
        ErrorCodes.OpenIdMismatch)]
    public async Task<UserResponse> UserInfo(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] UserInfoRequest? request,
        [FromServices] UserService users,
        CancellationToken cancellationToken) =>
        UserResponse.From(await users.BindUserInfoAsync(HttpContext.GetCurrentUser(), request, cancellationToken));

    /// <summary>Saves the nickname (from input type="nickname") and the avatar URL (the uploaded chooseAvatar file).</summary>
    [CheckToken]
    [HttpPut("profile")]
    [RequestSizeLimit(BodyLimits.Small)]
    [ProducesResponseType<UserResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest)]
    public async Task<UserResponse> Profile(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ProfileRequest? request,
        [FromServices] UserService users,
        CancellationToken cancellationToken) =>
        UserResponse.From(await users.UpdateProfileAsync(HttpContext.GetCurrentUser(), request, cancellationToken));

    /// <summary>Deletes the account (注销): the user's row and everything on it. The token answers 401 at once.</summary>
    [CheckToken]
    [HttpDelete("me")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<NoContentResult> Delete([FromServices] AccountService accounts, CancellationToken cancellationToken)
    {
        await accounts.DeleteAsync(HttpContext.GetCurrentUser().Id, cancellationToken);
        return NoContent();
    }

    /// <summary>Revokes the token; it answers 401 afterwards.</summary>
    [CheckToken]
    [HttpPost("logout")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<NoContentResult> Logout([FromServices] LoginService login, CancellationToken cancellationToken)
    {
        await login.LogoutAsync(HttpContext.GetCurrentUser(), HttpContext.GetCurrentTokenDigest(), cancellationToken);
        return NoContent();
    }
}
