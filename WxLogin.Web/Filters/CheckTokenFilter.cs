using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Net.Http.Headers;
using WxLogin.Web.Data;
using WxLogin.Web.Errors;
using WxLogin.Web.Services;
using WxLogin.Web.Telemetry;

namespace WxLogin.Web.Filters;

/// <summary>Marks an action that needs a logged-in user (ThinkPHP's CheckToken middleware).</summary>
public sealed class CheckTokenAttribute : ServiceFilterAttribute
{
    public CheckTokenAttribute() : base(typeof(CheckTokenFilter))
    {
        // Before [ApiController]'s model validation (-2000): an anonymous caller learns nothing about the body.
        Order = -3000;
    }
}

/// <summary>
/// Reads "Authorization: Bearer &lt;token&gt;" (or a bare token), finds its user with one indexed query,
/// checks expiry and attaches the user to the request; otherwise answers 401 (token_replaced when a
/// newer login replaced the token: a second indexed query, on that path only).
/// </summary>
public sealed class CheckTokenFilter(UserTokenQuery tokens, TimeProvider time, WxLoginMetrics metrics) : IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var http = context.HttpContext;
        var token = ReadToken(http.Request.Headers.Authorization.ToString());
        if (token is null)
        {
            context.Result = Unauthorized(http, ErrorCodes.TokenMissing,
                "Send the token from /api/user/login as 'Authorization: Bearer <token>'.");
            return;
        }
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // "Bearer Bearer x": the raw token pasted with its scheme, as into Swagger UI's Authorize.
            context.Result = Unauthorized(http, ErrorCodes.TokenInvalid,
                "The Authorization header names the scheme twice ('Bearer Bearer …'). Send 'Bearer <token>' once; " +
                "Swagger UI's Authorize wants the raw token, without 'Bearer '.");
            return;
        }

        var digest = TokenService.IsWellFormed(token) ? TokenService.Digest(token) : null;
        var user = digest is null ? null : await tokens.FindByTokenDigestAsync(digest, http.RequestAborted);
        if (digest is not null && user is null && await tokens.WasReplacedAsync(digest, http.RequestAborted))
        {
            context.Result = Unauthorized(http, ErrorCodes.TokenReplaced,
                "A newer login of this account (on another device, or this one) replaced the token. Log in again.");
            return;
        }
        if (digest is null || user is null || user.TokenExpiresAt is not { } expiresAt || expiresAt <= time.GetUtcNow().UtcDateTime)
        {
            context.Result = Unauthorized(http, ErrorCodes.TokenInvalid,
                "The token is unknown, expired or logged out. Log in again.");
            return;
        }

        http.SetCurrentUser(user, digest);
        metrics.TokenChecked(WxLoginMetrics.Ok);
        await next();
    }

    /// <summary>"Bearer abc" → abc; a bare "abc" too, as the tutorials' clients send it; blank or a lone "Bearer" → null.</summary>
    internal static string? ReadToken(string header)
    {
        var parts = header.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return null;
        }
        if (parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return parts.Length == 2 ? parts[1] : null;
        }
        return header.Trim();
    }

    private IActionResult Unauthorized(HttpContext http, string code, string detail)
    {
        metrics.TokenChecked(code);
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Problems.Result(http, new ApiException(StatusCodes.Status401Unauthorized, code, detail));
    }
}
