using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.RateLimiting;
using WxLogin.Web.Extensions;
using WxLogin.Web.Filters;
using WxLogin.Web.Models;
using WxLogin.Web.Services;

namespace WxLogin.Web.Controllers;

/// <summary>Login, the current user and logout (ThinkPHP's app/controller/User.php).</summary>
[ApiController]
[Route("api/user")]
public sealed class UserController(LoginService login) : ControllerBase
{
    /// <summary>Exchanges a wx.login code for our token. JSON or form body with a "code" field.</summary>
    [HttpPost("login")]
    [EnableRateLimiting(RateLimits.Login)]
    [ProducesResponseType<LoginResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<LoginResponse> Login(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] LoginRequest? request,
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
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public UserResponse Me() => UserResponse.From(HttpContext.GetCurrentUser());

    /// <summary>Revokes the token; it answers 401 afterwards.</summary>
    [CheckToken]
    [HttpPost("logout")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<NoContentResult> Logout(CancellationToken cancellationToken)
    {
        await login.LogoutAsync(HttpContext.GetCurrentUser(), cancellationToken);
        return NoContent();
    }
}
