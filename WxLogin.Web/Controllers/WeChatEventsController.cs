using System.Text;
using Microsoft.AspNetCore.Mvc;
using WxLogin.Web.Errors;
using WxLogin.Web.Models;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Controllers;

/// <summary>
/// WeChat's message push (消息推送), set up in the admin console (开发管理 → 开发设置 → 消息推送): the URL
/// check and the user authorization events. Exists only when WeChat:PushToken is configured.
/// </summary>
[ApiController]
[Route("api/wechat/events")]
public sealed class WeChatEventsController(WeChatPushService push) : ControllerBase
{
    /// <summary>The console's URL check: answers the echostr as plain text when the signature matches.</summary>
    [HttpGet]
    [Produces("text/plain")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/plain")]
    [ProducesProblem(StatusCodes.Status401Unauthorized, ErrorCodes.SignatureInvalid)]
    [ProducesProblem(StatusCodes.Status404NotFound, ErrorCodes.NotFound)]
    public ContentResult Verify([FromQuery] WeChatPushQuery query)
    {
        EnsureEnabled();
        return Content(push.Verify(query), "text/plain");
    }

    /// <summary>
    /// A pushed message, plaintext or safe mode, JSON or XML (at most 64 KB). Answers "success" as plain text.
    /// To try it, build one with POST /api/dev/wechat-push.
    /// </summary>
    [HttpPost]
    [RequestSizeLimit(WeChatPushService.MaxBodyBytes)]
    [Produces("text/plain")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/plain")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest)]
    [ProducesProblem(StatusCodes.Status401Unauthorized, ErrorCodes.SignatureInvalid)]
    [ProducesProblem(StatusCodes.Status404NotFound, ErrorCodes.NotFound)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge)]
    public async Task<ContentResult> Receive([FromQuery] WeChatPushQuery query, CancellationToken cancellationToken)
    {
        EnsureEnabled();
        var body = await ReadBodyAsync(cancellationToken);
        return Content(await push.ReceiveAsync(query, Request.ContentType, body, cancellationToken), "text/plain");
    }

    private void EnsureEnabled()
    {
        if (!push.IsEnabled)
        {
            throw new ApiException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Not found.");
        }
    }

    /// <summary>
    /// The body as UTF-8, read up to <see cref="WeChatPushService.MaxBodyBytes"/>. Kestrel and IIS enforce
    /// [RequestSizeLimit] too (and throw while reading); a host without that feature (the test server) relies on this count.
    /// </summary>
    private async Task<string> ReadBodyAsync(CancellationToken cancellationToken)
    {
        if (Request.ContentLength > WeChatPushService.MaxBodyBytes)
        {
            throw TooLarge();
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > WeChatPushService.MaxBodyBytes)
                {
                    throw TooLarge();
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        try
        {
            return StrictUtf8.Encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (ArgumentException)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The body is not UTF-8 text.");
        }
    }

    private static ApiException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
            $"The body is larger than {WeChatPushService.MaxBodyBytes / 1024} KB.");
}
