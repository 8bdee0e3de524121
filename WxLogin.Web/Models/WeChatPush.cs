using Microsoft.AspNetCore.Mvc;

namespace WxLogin.Web.Models;

/// <summary>
/// The query string WeChat's message push (消息推送) sends: signature, timestamp and nonce always;
/// echostr on the URL check; openid on messages; encrypt_type=aes and msg_signature in safe mode.
/// </summary>
public sealed class WeChatPushQuery
{
    /// <summary>SHA-1 of Token, timestamp and nonce, sorted and concatenated.</summary>
    [FromQuery(Name = "signature")]
    public string? Signature { get; init; }

    /// <summary>Unix seconds; more than 5 minutes from the server's clock is refused as a replay.</summary>
    [FromQuery(Name = "timestamp")]
    public string? Timestamp { get; init; }

    [FromQuery(Name = "nonce")]
    public string? Nonce { get; init; }

    /// <summary>URL check only: the text to answer.</summary>
    [FromQuery(Name = "echostr")]
    public string? EchoStr { get; init; }

    [FromQuery(Name = "openid")]
    public string? OpenId { get; init; }

    /// <summary>"aes" in safe (and compatible) mode.</summary>
    [FromQuery(Name = "encrypt_type")]
    public string? EncryptType { get; init; }

    /// <summary>Safe mode: SHA-1 of Token, timestamp, nonce and the body's Encrypt, sorted and concatenated.</summary>
    [FromQuery(Name = "msg_signature")]
    public string? MsgSignature { get; init; }
}
