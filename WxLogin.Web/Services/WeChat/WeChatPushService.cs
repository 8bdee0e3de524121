using System.Globalization;
using Microsoft.Extensions.Options;
using WxLogin.Web.Errors;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Services.WeChat;

/// <summary>
/// WeChat's message push (消息推送) at /api/wechat/events: the console's URL check, and messages in
/// plaintext or safe mode, JSON or XML. Every check comes before any change, so a refused push changes
/// nothing; a valid one is handled idempotently (WeChat retries when it gets no answer in 5 s).
/// </summary>
public sealed class WeChatPushService(
    IOptions<WeChatOptions> options,
    AccountService accounts,
    TimeProvider time,
    ILogger<WeChatPushService> logger)
{
    /// <summary>Pushed bodies are a few hundred bytes; anything over 64 KB is refused with 413.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>How far a push's timestamp may be from our clock, either way, before it counts as a replay.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public const string SafeMode = "aes";

    public const string Success = "success";

    public const string CancellationEvent = "user_authorization_cancellation";
    public const string RevokeEvent = "user_authorization_revoke";
    public const string InfoModifiedEvent = "user_info_modified";

    /// <summary>False when no PushToken is configured: the route then does not exist (404).</summary>
    public bool IsEnabled => !string.IsNullOrEmpty(options.Value.PushToken);

    /// <summary>The console's URL check: the echostr to answer when the signature is ours.</summary>
    public string Verify(WeChatPushQuery query)
    {
        var timestamp = CheckTimestamp(query);
        if (!WeChatMessageCrypto.SignatureMatches(query.Signature, Token, timestamp, query.Nonce ?? ""))
        {
            throw SignatureInvalid("signature does not match the configured PushToken.");
        }
        return query.EchoStr ?? throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
            "echostr is missing: the URL check sends signature, timestamp, nonce and echostr.");
    }

    /// <summary>Checks, opens and handles one pushed message; answers "success".</summary>
    public async Task<string> ReceiveAsync(WeChatPushQuery query, string? contentType, string body, CancellationToken cancellationToken)
    {
        var message = Open(query, contentType, body);
        await HandleAsync(message, cancellationToken);
        return Success;
    }

    /// <summary>The message, after the signature, the replay window, the decryption and the AppID have been checked.</summary>
    private WeChatPushMessage Open(WeChatPushQuery query, string? contentType, string body)
    {
        var aesKey = string.IsNullOrEmpty(options.Value.EncodingAESKey)
            ? null
            : WeChatPushOptionsValidator.AesKeyOf(options.Value.EncodingAESKey);
        var safeMode = string.Equals(query.EncryptType, SafeMode, StringComparison.Ordinal);
        if (aesKey is not null && !safeMode)
        {
            // A plaintext push's signature covers token, timestamp and nonce, not the body: anyone who saw
            // one push could replay its query with a body of their own.
            throw SignatureInvalid("an EncodingAESKey is configured, so only safe-mode pushes (encrypt_type=aes, msg_signature) are accepted.");
        }
        var timestamp = CheckTimestamp(query);
        var nonce = query.Nonce ?? "";
        if (aesKey is null && !WeChatMessageCrypto.SignatureMatches(query.Signature, Token, timestamp, nonce))
        {
            throw SignatureInvalid("signature does not match the configured PushToken.");
        }

        var format = WeChatPushMessage.DeclaredFormat(contentType, body)
            ?? throw InvalidRequest("The body is neither JSON nor XML.");
        var outer = WeChatPushMessage.Parse(body, format)
            ?? throw InvalidRequest($"The body is not the declared format ({format}).");
        if (aesKey is null)
        {
            return safeMode
                ? throw InvalidRequest("A safe-mode push arrived but no EncodingAESKey is configured: set WeChat__EncodingAESKey.")
                : outer;
        }

        var encrypt = outer["Encrypt"];
        if (string.IsNullOrEmpty(encrypt))
        {
            throw InvalidRequest("The safe-mode body carries no Encrypt field.");
        }
        if (!WeChatMessageCrypto.SignatureMatches(query.MsgSignature, Token, timestamp, nonce, encrypt))
        {
            throw SignatureInvalid("msg_signature does not match the configured PushToken and the body's Encrypt.");
        }
        string inner;
        string appId;
        try
        {
            (inner, appId) = WeChatMessageCrypto.Decrypt(aesKey, encrypt);
        }
        catch (WeChatMessageCryptoException ex)
        {
            throw InvalidRequest($"Encrypt does not decrypt with the configured EncodingAESKey: {ex.Message}");
        }
        if (!string.Equals(appId, options.Value.AppId, StringComparison.Ordinal))
        {
            throw InvalidRequest("The decrypted message was made for another AppID.");
        }
        return WeChatPushMessage.Parse(inner, format)
            ?? throw InvalidRequest($"The decrypted message is not the declared format ({format}).");
    }

    private async Task HandleAsync(WeChatPushMessage message, CancellationToken cancellationToken)
    {
        if (message.MsgType != "event" || message.Event is not (CancellationEvent or RevokeEvent or InfoModifiedEvent))
        {
            logger.LogDebug("Push of {MsgType} {Event} ignored", message.MsgType, message.Event);
            return;
        }
        if (string.IsNullOrEmpty(message.OpenId))
        {
            logger.LogWarning("Push {Event} without OpenID ignored", message.Event);
            return;
        }
        switch (message.Event)
        {
            case CancellationEvent:
                await accounts.DeleteByOpenIdAsync(message.OpenId, cancellationToken);
                break;
            case RevokeEvent:
                await accounts.WithdrawAsync(message.OpenId, AccountService.FromRevokeInfo(message.RevokeInfo), cancellationToken);
                break;
            default:
                // Nothing we store comes from the WeChat profile (nicknames and avatars are typed in by the user).
                logger.LogInformation("Push {Event}: a user changed their WeChat info; nothing stored here comes from it", message.Event);
                break;
        }
    }

    private string Token => options.Value.PushToken ?? "";

    /// <summary>The timestamp as sent, when it is within the replay window of our clock.</summary>
    private string CheckTimestamp(WeChatPushQuery query)
    {
        if (!long.TryParse(query.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw SignatureInvalid("timestamp is missing or not a number of Unix seconds.");
        }
        var distance = Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds);
        if (distance > ReplayWindow.TotalSeconds)
        {
            throw SignatureInvalid("timestamp is more than 5 minutes from the server's clock (a replay, or a wrong clock).");
        }
        return query.Timestamp!;
    }

    private static ApiException SignatureInvalid(string why) =>
        new(StatusCodes.Status401Unauthorized, ErrorCodes.SignatureInvalid, $"The push is refused: {why}");

    private static ApiException InvalidRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, detail);
}
