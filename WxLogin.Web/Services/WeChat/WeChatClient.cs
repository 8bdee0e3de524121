using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WxLogin.Web.Options;

namespace WxLogin.Web.Services.WeChat;

/// <summary>What jscode2session gives for a valid code. SessionKey is a secret: keep it server-side.</summary>
public sealed record WeChatSession(string OpenId, string SessionKey, string? UnionId);

public interface IWeChatClient
{
    /// <summary>Exchanges a wx.login code. Throws <see cref="WeChatException"/> on any failure.</summary>
    Task<WeChatSession> Code2SessionAsync(string code, CancellationToken cancellationToken);
}

/// <summary>
/// The one place that talks to WeChat and reads its answers (see shared/WECHAT.md): errors come as
/// HTTP 200 with an errcode, a missing errcode means success, Content-Type is not trusted.
/// </summary>
public sealed class WeChatClient(HttpClient http, IOptions<WeChatOptions> options, ILogger<WeChatClient> logger)
    : IWeChatClient
{
    public async Task<WeChatSession> Code2SessionAsync(string code, CancellationToken cancellationToken)
    {
        var wechat = options.Value;
        var query = "sns/jscode2session" +
            $"?appid={Uri.EscapeDataString(wechat.AppId)}" +
            $"&secret={Uri.EscapeDataString(wechat.AppSecret)}" +
            $"&js_code={Uri.EscapeDataString(code)}" +
            "&grant_type=authorization_code";

        var body = await GetAsync("jscode2session", query, cancellationToken);
        var answer = Parse(body, "jscode2session");
        var openId = answer.Value<string>("openid");
        var sessionKey = answer.Value<string>("session_key");
        if (string.IsNullOrEmpty(openId) || string.IsNullOrEmpty(sessionKey))
        {
            logger.LogWarning("WeChat jscode2session answered without openid or session_key");
            throw new WeChatException(WeChatException.Busy, "WeChat answered without openid or session_key.");
        }
        return new WeChatSession(openId, sessionKey, NullIfEmpty(answer.Value<string>("unionid")));
    }

    /// <summary>GETs a path relative to WeChat:ApiBaseUrl and returns the body as text.</summary>
    private async Task<string> GetAsync(string api, string relativeUri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(relativeUri, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("WeChat {Api} answered HTTP {Status}", api, (int)response.StatusCode);
                throw new WeChatException(WeChatException.Busy, $"WeChat {api} answered HTTP {(int)response.StatusCode}.");
            }
            return body;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed; the caller did not give up.
            logger.LogWarning("WeChat {Api} timed out", api);
            throw new WeChatException(WeChatException.Busy, $"WeChat {api} timed out.", ex);
        }
        catch (HttpRequestException ex)
        {
            // The exception's own message may name the URL, which carries the secret: log its kind only.
            logger.LogWarning("WeChat {Api} could not be reached ({Error})", api, ex.HttpRequestError);
            throw new WeChatException(WeChatException.Busy, $"WeChat {api} could not be reached.");
        }
    }

    /// <summary>Parses an answer and throws on a non-zero errcode (a missing errcode is success).</summary>
    private JObject Parse(string body, string api)
    {
        JObject answer;
        try
        {
            answer = JsonConvert.DeserializeObject<JObject>(body)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException)
        {
            logger.LogWarning("WeChat {Api} answered with a body that is not a JSON object", api);
            throw new WeChatException(WeChatException.Busy, $"WeChat {api} answered with a body that is not JSON.");
        }

        var errCode = answer.Value<int?>("errcode") ?? 0;
        if (errCode != 0)
        {
            // errmsg is WeChat's text (with a per-request rid); it holds nothing of ours.
            var errMsg = answer.Value<string>("errmsg") ?? "";
            logger.LogWarning("WeChat {Api} answered errcode {ErrCode}: {ErrMsg}", api, errCode, errMsg);
            throw new WeChatException(errCode, $"WeChat {api} answered errcode {errCode}: {errMsg}");
        }
        return answer;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
