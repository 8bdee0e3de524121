using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Extensions;
using WxLogin.Web.Models;
using WxLogin.Web.Options;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Emulator;

/// <summary>A push as WeChat would send it: the query for /api/wechat/events, the body and its Content-Type.</summary>
public sealed record WeChatPush(WeChatPushQuery Query, string PathAndQuery, string ContentType, string Body);

/// <summary>
/// Plays WeChat's part of message push for the Development helper (and the tests): an authorization event,
/// signed with our PushToken and, when an EncodingAESKey is configured, encrypted as in safe mode.
/// </summary>
public static class WeChatPushBuilder
{
    public const string Route = "/api/wechat/events";

    // The body is copied around by hand (Swagger UI, curl): keep "+" and Chinese text as they are, not \u002B.
    // It never lands in HTML, which is what the default escaping guards against.
    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static WeChatPush Build(WeChatOptions options, DateTimeOffset now, string @event, string openId, string? revokeInfo, WeChatPushFormat format)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var fields = new List<(string Name, object Value)>
        {
            ("ToUserName", "gh_emulator"),
            ("FromUserName", openId),
            ("CreateTime", now.ToUnixTimeSeconds()),
            ("MsgType", "event"),
            ("Event", @event),
            ("OpenID", openId),
            ("AppID", options.AppId),
        };
        if (revokeInfo is not null)
        {
            fields.Add(("RevokeInfo", revokeInfo));
        }
        var message = Serialize(fields, format);
        return Sign(options, timestamp, openId, message, format);
    }

    /// <summary>Signs (and in safe mode encrypts) any message text, as WeChat does.</summary>
    public static WeChatPush Sign(WeChatOptions options, string timestamp, string openId, string message, WeChatPushFormat format)
    {
        var token = options.PushToken ?? "";
        var nonce = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var aesKey = string.IsNullOrEmpty(options.EncodingAESKey) ? null : WeChatPushOptionsValidator.AesKeyOf(options.EncodingAESKey);
        var signature = WeChatMessageCrypto.Signature(token, timestamp, nonce);
        var query = new QueryBuilder
        {
            { "signature", signature },
            { "timestamp", timestamp },
            { "nonce", nonce },
            { "openid", openId },
        };
        string body;
        string? msgSignature = null;
        if (aesKey is null)
        {
            body = message;
        }
        else
        {
            var encrypt = WeChatMessageCrypto.Encrypt(aesKey, message, options.AppId);
            msgSignature = WeChatMessageCrypto.Signature(token, timestamp, nonce, encrypt);
            query.Add("encrypt_type", WeChatPushService.SafeMode);
            query.Add("msg_signature", msgSignature);
            body = Serialize([("ToUserName", "gh_emulator"), ("Encrypt", encrypt)], format);
        }
        var pushQuery = new WeChatPushQuery
        {
            Signature = signature,
            Timestamp = timestamp,
            Nonce = nonce,
            OpenId = openId,
            EncryptType = aesKey is null ? null : WeChatPushService.SafeMode,
            MsgSignature = msgSignature,
        };
        var contentType = format == WeChatPushFormat.Json ? "application/json" : "text/xml";
        return new WeChatPush(pushQuery, Route + query.ToQueryString(), contentType, body);
    }

    private static string Serialize(IEnumerable<(string Name, object Value)> fields, WeChatPushFormat format) => format == WeChatPushFormat.Json
        ? JsonSerializer.Serialize(fields.ToDictionary(field => field.Name, field => field.Value), ReadableJson)
        : new XElement("xml", fields.Select(field => field.Value is string text
            ? new XElement(field.Name, new XCData(text))
            : new XElement(field.Name, field.Value))).ToString(SaveOptions.DisableFormatting);
}
