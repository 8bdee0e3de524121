using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly.CircuitBreaker;
using WxLogin.Web.Models;
using WxLogin.Web.Options;
using WxLogin.Web.Telemetry;

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
    /// null when one is missing, of another type, or longer than the Users columns hold (a huge number too).
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
        var text = token is JValue value ? value.Type switch
        {
            JTokenType.String => (string?)value.Value,
            // Any integer, even one past long's range (a BigInteger): too long a number is refused below, not thrown.
            JTokenType.Integer => Convert.ToString(value.Value, CultureInfo.InvariantCulture),
            _ => null,
        } : null;
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
/// HTTP 200 with an errcode, a missing errcode means success, Content-Type is not trusted. Nothing in
/// an answer is trusted either: it is read up to <see cref="MaxAnswerBytes"/>, must be a JSON object of
/// the expected shape, and identifiers must look like WeChat's; anything else is "WeChat unavailable".
/// Calls go through <see cref="WeChatCircuitBreaker"/> and are never retried.
/// </summary>
public sealed class WeChatClient(
    HttpClient http,
    IOptions<WeChatOptions> options,
    WeChatCircuitBreaker breaker,
    WxLoginMetrics metrics,
    TimeProvider time,
    ILogger<WeChatClient> logger) : IWeChatClient
{
    /// <summary>Name of the phone-number API in logs and in <see cref="WeChatException.Api"/>.</summary>
    public const string PhoneNumberApi = "getuserphonenumber";

    /// <summary>The largest answer read. WeChat's are a few hundred bytes; a larger one is refused, not buffered.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>
    /// The HttpClient's part: WeChat's root, and limits the client enforces itself. Its timeout covers the
    /// headers and the body, so a server that trickles its answer is cut off too; the buffer limit refuses a
    /// larger answer (by its Content-Length, or once that many bytes came) without holding it whole.
    /// </summary>
    public static void Configure(HttpClient http, WeChatOptions options)
    {
        http.BaseAddress = options.ApiBaseUrl.AbsoluteUri.EndsWith('/') ? options.ApiBaseUrl : new Uri(options.ApiBaseUrl.AbsoluteUri + "/");
        http.Timeout = options.Timeout;
        http.MaxResponseContentBufferSize = MaxAnswerBytes;
    }

    private const int MaxSecretLength = 512;

    private static readonly JsonSerializerSettings JsonSettings = new() { DateParseHandling = DateParseHandling.None };

    public async Task<WeChatSession> Code2SessionAsync(string code, CancellationToken cancellationToken)
    {
        const string api = "jscode2session";
        var wechat = options.Value;
        var query = "sns/jscode2session" +
            $"?appid={Uri.EscapeDataString(wechat.AppId)}" +
            $"&secret={Uri.EscapeDataString(wechat.AppSecret)}" +
            $"&js_code={Uri.EscapeDataString(code)}" +
            "&grant_type=authorization_code";

        return await CallAsync(api, () => new HttpRequestMessage(HttpMethod.Get, query), answer =>
        {
            var openId = StringOf(answer["openid"]);
            var sessionKey = StringOf(answer["session_key"]);
            if (openId is null || sessionKey is null)
            {
                throw Failure(api, WeChatException.Busy, "answered without openid or session_key strings");
            }
            if (!WeChatIdentifier.IsValid(openId))
            {
                throw Failure(api, WeChatException.Busy, "answered an openid that is not 1-64 of A-Z a-z 0-9 _ -");
            }
            if (!IsPrintableAscii(sessionKey, MaxSecretLength))
            {
                throw Failure(api, WeChatException.Busy, "answered a session_key that cannot be one");
            }
            string? unionId = null;
            if (!IsAbsent(answer["unionid"]))
            {
                unionId = StringOf(answer["unionid"]) is { } text && WeChatIdentifier.IsValid(text)
                    ? text
                    : throw Failure(api, WeChatException.Busy, "answered a unionid that is not 1-64 of A-Z a-z 0-9 _ -");
            }
            return new WeChatSession(openId, sessionKey, unionId);
        }, cancellationToken);
    }

    public async Task<WeChatAccessToken> GetStableAccessTokenAsync(CancellationToken cancellationToken)
    {
        const string api = "stable_token";
        var wechat = options.Value;
        // force_refresh stays false: true invalidates the token everywhere and is limited to 20 a day.
        var request = new { grant_type = "client_credential", appid = wechat.AppId, secret = wechat.AppSecret, force_refresh = false };

        return await CallAsync(api, () => PostJson("cgi-bin/stable_token", request), answer =>
        {
            var token = StringOf(answer["access_token"]);
            // WeChat says 7200; anything from a second to a day is believable.
            var expiresIn = IntegerOf(answer["expires_in"]);
            if (token is null || !IsPrintableAscii(token, MaxSecretLength) || expiresIn is not (> 0 and <= 86_400))
            {
                throw Failure(api, WeChatException.Busy, "answered without a usable access_token and expires_in");
            }
            return new WeChatAccessToken(token, TimeSpan.FromSeconds(expiresIn.Value));
        }, cancellationToken);
    }

    public async Task<WeChatPhoneNumber> GetUserPhoneNumberAsync(string accessToken, string code, CancellationToken cancellationToken)
    {
        const string api = PhoneNumberApi;
        var relativeUri = $"wxa/business/getuserphonenumber?access_token={Uri.EscapeDataString(accessToken)}";

        return await CallAsync(api, () => PostJson(relativeUri, new { code }), answer =>
            WeChatPhoneNumber.FromJson(answer["phone_info"] as JObject)
                ?? throw Failure(api, WeChatException.Busy, "answered without a complete phone_info"), cancellationToken);
    }

    private static HttpRequestMessage PostJson(string relativeUri, object body) => new(HttpMethod.Post, relativeUri)
    {
        Content = new StringContent(JsonConvert.SerializeObject(body), Encoding.UTF8, "application/json"),
    };

    /// <summary>
    /// One call: through the breaker, sent once, its answer parsed and read by <paramref name="read"/>;
    /// counted in wxlogin.wechat.requests with its errcode (0 success, -1 no usable answer) when it was sent.
    /// </summary>
    private async Task<T> CallAsync<T>(string api, Func<HttpRequestMessage> createRequest, Func<JObject, T> read,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var errCode = WeChatException.Busy;
        var sent = true;
        try
        {
            var answer = Parse(await SendAsync(api, createRequest, cancellationToken), api);
            var result = read(answer);
            errCode = 0;
            return result;
        }
        catch (WeChatException ex)
        {
            errCode = ex.ErrCode;
            sent = ex.ErrCode != WeChatException.Unavailable;
            throw;
        }
        catch (OperationCanceledException)
        {
            sent = false; // the caller gave up: WeChat's part is unknown, so it is not counted
            throw;
        }
        finally
        {
            if (sent)
            {
                metrics.WeChatCalled(api, errCode, time.GetElapsedTime(started));
            }
        }
    }

    /// <summary>
    /// Sends the request through the breaker and returns the body as text. The HttpClient (see
    /// <see cref="Configure"/>) bounds the whole exchange, headers and body, by WeChat:Timeout, buffers at most
    /// <see cref="MaxAnswerBytes"/>, and follows no redirect.
    /// </summary>
    private async Task<string> SendAsync(string api, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await breaker.SendAsync(async token =>
            {
                using var request = createRequest();
                return await http.SendAsync(request, token);
            }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // 3xx included: a redirect is not followed, wherever it points.
                throw Failure(api, WeChatException.Busy, $"answered HTTP {(int)response.StatusCode}");
            }
            return await DecodeAsync(api, response.Content, cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            // Its own kind and its own line: not one of WeChat's answers, and no errcode.
            logger.LogDebug("WeChat {Api} unavailable: not called, the circuit breaker is open", api);
            throw new WeChatException(WeChatException.Unavailable, $"WeChat {api} was not called: the circuit breaker is open.") { Api = api };
        }
        catch (OperationCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            throw Failure(api, WeChatException.Busy, "timed out", innerException: ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw Failure(api, WeChatException.Busy, $"answered with a body over {MaxAnswerBytes / 1024} KB");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The exception's own message may name the URL, which carries the secret or the access_token:
            // keep only its kind, and not the exception itself.
            var kind = ex is HttpRequestException request ? request.HttpRequestError.ToString() : "the answer broke off";
            throw Failure(api, WeChatException.Busy, $"could not be reached ({kind})");
        }
    }

    /// <summary>The buffered body as UTF-8 text; another charset, or bytes that are not UTF-8, are refused.</summary>
    private async Task<string> DecodeAsync(string api, HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentType?.CharSet is { } charset && !IsUtf8(charset))
        {
            throw Failure(api, WeChatException.Busy, $"answered in charset {LogText.Escape(charset)}, not UTF-8");
        }
        try
        {
            return StrictUtf8.Encoding.GetString(await content.ReadAsByteArrayAsync(cancellationToken)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw Failure(api, WeChatException.Busy, "answered with a body that is not UTF-8");
        }
    }

    /// <summary>UTF-8 under its names, or ASCII, its subset.</summary>
    private static bool IsUtf8(string charset) =>
        charset.Trim('"', ' ') is var name &&
        (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase) ||
         name.Equals("us-ascii", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses an answer and throws on a non-zero errcode (a missing errcode is success).</summary>
    private JObject Parse(string body, string api)
    {
        JObject answer;
        try
        {
            answer = JsonConvert.DeserializeObject<JObject>(body, JsonSettings)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException)
        {
            throw Failure(api, WeChatException.Busy, "answered with a body that is not a JSON object");
        }

        var errCode = IsAbsent(answer["errcode"]) ? 0 : IntegerOf(answer["errcode"]);
        if (errCode is not (>= int.MinValue and <= int.MaxValue))
        {
            throw Failure(api, WeChatException.Busy, "answered an errcode that is not a number");
        }
        if (!IsAbsent(answer["errmsg"]) && StringOf(answer["errmsg"]) is null)
        {
            throw Failure(api, WeChatException.Busy, "answered an errmsg that is not text");
        }
        if (errCode != 0)
        {
            // errmsg is WeChat's text (with a per-request rid): escaped, as anything from outside in a log line.
            throw Failure(api, (int)errCode.Value, $"answered errcode {errCode}: {LogText.Escape(StringOf(answer["errmsg"]))}");
        }
        return answer;
    }

    /// <summary>
    /// Every failure's one log line and its exception. <paramref name="what"/> never holds the URL,
    /// the AppSecret, a session_key or an access_token, and nothing from WeChat unescaped.
    /// </summary>
    private WeChatException Failure(string api, int errCode, string what, LogLevel level = LogLevel.Warning, Exception? innerException = null)
    {
        logger.Log(level, "WeChat {Api} {What} (errcode {ErrCode})", api, what, errCode);
        return new WeChatException(errCode, $"WeChat {api} {what}.", innerException) { Api = api };
    }

    private static bool IsAbsent(JToken? token) => token is null || token.Type == JTokenType.Null;

    /// <summary>A JSON string's value; null for any other type.</summary>
    private static string? StringOf(JToken? token) => token is JValue { Type: JTokenType.String, Value: string text } ? text : null;

    /// <summary>A JSON integer within long's range, or a string holding one (WeChat has sent errcode as "45011"); else null.</summary>
    private static long? IntegerOf(JToken? token) => token switch
    {
        JValue { Type: JTokenType.Integer, Value: long number } => number,
        JValue { Type: JTokenType.String, Value: string text }
            when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    private static bool IsPrintableAscii(string value, int maxLength) =>
        value.Length is >= 1 && value.Length <= maxLength && value.All(c => c is > ' ' and < '\u007F');
}
