using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WxLogin.Web.Models;
using WxLogin.Web.Options;

namespace WxLogin.Web.Services.WeChat;

/// <summary>What jscode2session gives for a valid code. SessionKey is a secret: keep it server-side.</summary>
public sealed record WeChatSession(string OpenId, string SessionKey, string? UnionId);

/// <summary>An access_token from stable_token and how long WeChat says it lives. Value is a secret.</summary>
public sealed record WeChatAccessToken(string Value, TimeSpan ExpiresIn);

/// <summary>A user's phone number, as getuserphonenumber's phone_info or the decrypted button data carry it.</summary>
public sealed record WeChatPhoneNumber(string PhoneNumber, string PurePhoneNumber, string CountryCode)
{
    /// <summary>
    /// Reads phoneNumber, purePhoneNumber and countryCode (a number or a string: both are seen);
    /// null when one is missing or longer than the Users columns hold.
    /// </summary>
    public static WeChatPhoneNumber? FromJson(JObject? json)
    {
        var phone = Text(json?["phoneNumber"], User.PhoneNumberMaxLength);
        var pure = Text(json?["purePhoneNumber"], User.PhoneNumberMaxLength);
        var country = Text(json?["countryCode"], User.CountryCodeMaxLength);
        return phone is null || pure is null || country is null ? null : new WeChatPhoneNumber(phone, pure, country);
    }

    private static string? Text(JToken? token, int maxLength)
    {
        var text = token?.Type switch
        {
            JTokenType.String => token.Value<string>(),
            JTokenType.Integer => token.Value<long>().ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return string.IsNullOrEmpty(text) || text.Length > maxLength ? null : text;
    }
}

public interface IWeChatClient
{
    /// <summary>Exchanges a wx.login code. Throws <see cref="WeChatException"/> on any failure.</summary>
    Task<WeChatSession> Code2SessionAsync(string code, CancellationToken cancellationToken);

    /// <summary>
    /// POST /cgi-bin/stable_token with force_refresh false: the current token, shared with every other
    /// server of this AppId. Use it through <see cref="AccessTokenProvider"/>, which caches it.
    /// </summary>
    Task<WeChatAccessToken> GetStableAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>POST /wxa/business/getuserphonenumber: the phone number behind a getPhoneNumber button's code.</summary>
    Task<WeChatPhoneNumber> GetUserPhoneNumberAsync(string accessToken, string code, CancellationToken cancellationToken);
}

/// <summary>
/// The one place that talks to WeChat and reads its answers (see shared/WECHAT.md): errors come as
/// HTTP 200 with an errcode, a missing errcode means success, Content-Type is not trusted.
/// </summary>
public sealed class WeChatClient(HttpClient http, IOptions<WeChatOptions> options, ILogger<WeChatClient> logger)
    : IWeChatClient
{
    /// <summary>Name of the phone-number API in logs and in <see cref="WeChatException.Api"/>.</summary>
    public const string PhoneNumberApi = "getuserphonenumber";

    public async Task<WeChatSession> Code2SessionAsync(string code, CancellationToken cancellationToken)
    {
        const string api = "jscode2session";
        var wechat = options.Value;
        var query = "sns/jscode2session" +
            $"?appid={Uri.EscapeDataString(wechat.AppId)}" +
            $"&secret={Uri.EscapeDataString(wechat.AppSecret)}" +
            $"&js_code={Uri.EscapeDataString(code)}" +
            "&grant_type=authorization_code";

        var body = await GetAsync(api, query, cancellationToken);
        var answer = Parse(body, api);
        var openId = answer.Value<string>("openid");
        var sessionKey = answer.Value<string>("session_key");
        if (string.IsNullOrEmpty(openId) || string.IsNullOrEmpty(sessionKey))
        {
            throw Failure(api, WeChatException.Busy, "answered without openid or session_key");
        }
        return new WeChatSession(openId, sessionKey, NullIfEmpty(answer.Value<string>("unionid")));
    }

    public async Task<WeChatAccessToken> GetStableAccessTokenAsync(CancellationToken cancellationToken)
    {
        const string api = "stable_token";
        var wechat = options.Value;
        // force_refresh stays false: true invalidates the token everywhere and is limited to 20 a day.
        var request = new { grant_type = "client_credential", appid = wechat.AppId, secret = wechat.AppSecret, force_refresh = false };

        var body = await PostJsonAsync(api, "cgi-bin/stable_token", request, cancellationToken);
        var answer = Parse(body, api);
        var token = answer.Value<string>("access_token");
        var expiresIn = answer["expires_in"]?.Type == JTokenType.Integer ? answer.Value<long>("expires_in") : 0;
        if (string.IsNullOrEmpty(token) || expiresIn <= 0)
        {
            throw Failure(api, WeChatException.Busy, "answered without access_token or expires_in");
        }
        return new WeChatAccessToken(token, TimeSpan.FromSeconds(expiresIn));
    }

    public async Task<WeChatPhoneNumber> GetUserPhoneNumberAsync(string accessToken, string code, CancellationToken cancellationToken)
    {
        const string api = PhoneNumberApi;
        var relativeUri = $"wxa/business/getuserphonenumber?access_token={Uri.EscapeDataString(accessToken)}";

        var body = await PostJsonAsync(api, relativeUri, new { code }, cancellationToken);
        var phone = WeChatPhoneNumber.FromJson(Parse(body, api)["phone_info"] as JObject);
        if (phone is null)
        {
            throw Failure(api, WeChatException.Busy, "answered without a complete phone_info");
        }
        return phone;
    }

    /// <summary>GETs a path relative to WeChat:ApiBaseUrl and returns the body as text.</summary>
    private Task<string> GetAsync(string api, string relativeUri, CancellationToken cancellationToken) =>
        SendAsync(api, () => new HttpRequestMessage(HttpMethod.Get, relativeUri), cancellationToken);

    /// <summary>POSTs a JSON body to a path relative to WeChat:ApiBaseUrl and returns the answer as text.</summary>
    private Task<string> PostJsonAsync(string api, string relativeUri, object body, CancellationToken cancellationToken) =>
        SendAsync(api, () => new HttpRequestMessage(HttpMethod.Post, relativeUri)
        {
            Content = new StringContent(JsonConvert.SerializeObject(body), Encoding.UTF8, "application/json"),
        }, cancellationToken);

    private async Task<string> SendAsync(string api, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        try
        {
            using var request = createRequest();
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(api, WeChatException.Busy, $"answered HTTP {(int)response.StatusCode}");
            }
            return body;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed; the caller did not give up.
            throw Failure(api, WeChatException.Busy, "timed out", ex);
        }
        catch (HttpRequestException ex)
        {
            // The exception's own message may name the URL, which carries the secret or the access_token:
            // keep only its kind, and not the exception itself.
            throw Failure(api, WeChatException.Busy, $"could not be reached ({ex.HttpRequestError})");
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
            throw Failure(api, WeChatException.Busy, "answered with a body that is not a JSON object");
        }

        var errCode = answer.Value<int?>("errcode") ?? 0;
        if (errCode != 0)
        {
            // errmsg is WeChat's text (with a per-request rid); it holds nothing of ours.
            var errMsg = answer.Value<string>("errmsg") ?? "";
            throw Failure(api, errCode, $"answered errcode {errCode}: {errMsg}");
        }
        return answer;
    }

    /// <summary>
    /// Every failure's one warning line and its exception. <paramref name="what"/> never holds the URL,
    /// the AppSecret, a session_key or an access_token.
    /// </summary>
    private WeChatException Failure(string api, int errCode, string what, Exception? innerException = null)
    {
        logger.LogWarning("WeChat {Api} {What} (errcode {ErrCode})", api, what, errCode);
        return new WeChatException(errCode, $"WeChat {api} {what}.", innerException) { Api = api };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
