using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WxLogin.Web.Options;

namespace WxLogin.Web.Emulator;

/// <summary>
/// An in-process stand-in for WeChat's servers (WeChat:Mode=Emulator, never in Production). It sits
/// behind the real typed HttpClient as its message handler, so every answer goes through the same
/// parsing as a live one. It answers like WeChat does: text/plain bodies, no errcode on success,
/// errmsg with a rid suffix. The codes it understands are listed in docs/emulator.md.
/// </summary>
public sealed class WeChatEmulator(IOptions<WeChatOptions> options, TimeProvider time)
{
    /// <summary>Prefix of the codes that make the emulator fail on purpose: wx-40029, wx-timeout, ...</summary>
    public const string FailurePrefix = "wx-";

    /// <summary>Phone codes starting with this answer countryCode as the string "86" instead of the number 86.</summary>
    public const string TextCountryCodePrefix = "text";

    /// <summary>How long an emulated access_token lives, as WeChat's: two hours.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(2);

    /// <summary>How long WeChat's codes live; a used code is remembered (and refused) this long, then forgotten.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    // Code → when it was used. Swept once a minute, so memory holds about five minutes of codes.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _usedCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _usedPhoneCodes = new(StringComparer.Ordinal);
    private long _nextSweepTicks;
    private readonly ConcurrentDictionary<string, byte> _issuedAccessTokens = new(StringComparer.Ordinal);
    private readonly Lock _accessTokenGate = new();
    private string? _accessToken;
    private DateTimeOffset _accessTokenExpiresAt;
    private int _stableTokenFetches;
    private int _phoneNumberCalls;

    /// <summary>How many times stable_token was called, so tests can count fetches.</summary>
    public int StableTokenFetches => Volatile.Read(ref _stableTokenFetches);

    /// <summary>How many times getuserphonenumber was called, so tests can count retries.</summary>
    public int PhoneNumberCalls => Volatile.Read(ref _phoneNumberCalls);

    /// <summary>How many used codes (login and phone) the emulator still remembers.</summary>
    internal int RememberedCodes => _usedCodes.Count + _usedPhoneCodes.Count;

    /// <summary>Ends the current access_token now: calls with it answer 42001, stable_token issues a new one.</summary>
    public void ExpireAccessToken()
    {
        lock (_accessTokenGate)
        {
            _accessTokenExpiresAt = time.GetUtcNow();
        }
    }

    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var query = QueryHelpers.ParseQuery(request.RequestUri.Query);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        return path switch
        {
            _ when path.EndsWith("/sns/jscode2session", StringComparison.Ordinal) => await Code2SessionAsync(query, cancellationToken),
            _ when path.EndsWith("/cgi-bin/stable_token", StringComparison.Ordinal) => StableToken(body),
            _ when path.EndsWith("/wxa/business/getuserphonenumber", StringComparison.Ordinal) =>
                await GetUserPhoneNumberAsync(query, body, cancellationToken),
            _ => Error(40066, "invalid url"),
        };
    }

    /// <summary>
    /// Encrypts <paramref name="json"/> the way WeChat makes a button's encryptedData: AES-128-CBC,
    /// PKCS#7, the session_key as key, a fresh random iv. For the Development helper POST /api/dev/encrypt.
    /// </summary>
    public static (string EncryptedData, string Iv) EncryptUserData(string sessionKey, string json)
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(sessionKey);
        var iv = RandomNumberGenerator.GetBytes(16);
        var cipherText = aes.EncryptCbc(Encoding.UTF8.GetBytes(json), iv, PaddingMode.PKCS7);
        return (Convert.ToBase64String(cipherText), Convert.ToBase64String(iv));
    }

    /// <summary>A mainland mobile number that stays the same for one seed (a phone code's name, an openid).</summary>
    public static string EmulatedPhoneNumber(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"wxlogin-emulator:phone:{seed}"));
        return "139" + (BitConverter.ToUInt32(hash) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
    }

    /// <summary>stable_token: the same token until it expires (force_refresh is not emulated), with the seconds it has left.</summary>
    private HttpResponseMessage StableToken(string body)
    {
        Interlocked.Increment(ref _stableTokenFetches);
        var request = ParseObject(body);
        if (CheckApp(request?.Value<string>("appid") ?? "", request?.Value<string>("secret") ?? "") is { } appError)
        {
            return appError;
        }
        if (request?.Value<string>("grant_type") != "client_credential")
        {
            return Error(40002, "invalid grant_type");
        }

        lock (_accessTokenGate)
        {
            var now = time.GetUtcNow();
            if (_accessToken is null || now >= _accessTokenExpiresAt)
            {
                _accessToken = "emulated-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
                _accessTokenExpiresAt = now + AccessTokenLifetime;
                _issuedAccessTokens.TryAdd(_accessToken, 0);
            }
            var expiresIn = (long)Math.Ceiling((_accessTokenExpiresAt - now).TotalSeconds);
            return Text(HttpStatusCode.OK, JsonConvert.SerializeObject(new { access_token = _accessToken, expires_in = expiresIn }));
        }
    }

    private async Task<HttpResponseMessage> GetUserPhoneNumberAsync(
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, string body, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _phoneNumberCalls);
        if (CheckAccessToken(query.GetValueOrDefault("access_token").ToString()) is { } tokenError)
        {
            return tokenError;
        }
        var code = ParseObject(body)?.Value<string>("code") ?? "";
        if (code.Length == 0)
        {
            return Error(40029, "invalid code");
        }
        if (code.StartsWith(FailurePrefix, StringComparison.Ordinal))
        {
            return await FailAsync(code[FailurePrefix.Length..], cancellationToken);
        }
        if (!FirstUse(_usedPhoneCodes, code))
        {
            // Phone codes are single use; WeChat answers a second use like an unknown code.
            return Error(40029, "invalid code");
        }

        var phoneNumber = EmulatedPhoneNumber(code.Split('.', 2)[0]);
        object countryCode = code.StartsWith(TextCountryCodePrefix, StringComparison.Ordinal) ? "86" : 86;
        var answer = new
        {
            errcode = 0,
            errmsg = "ok",
            phone_info = new
            {
                phoneNumber,
                purePhoneNumber = phoneNumber,
                countryCode,
                watermark = new { timestamp = time.GetUtcNow().ToUnixTimeSeconds(), appid = options.Value.AppId },
            },
        };
        return Text(HttpStatusCode.OK, JsonConvert.SerializeObject(answer));
    }

    /// <summary>WeChat's access_token checks: missing 41001, never issued 40001, issued but expired 42001.</summary>
    private HttpResponseMessage? CheckAccessToken(string accessToken)
    {
        if (accessToken.Length == 0)
        {
            return Error(41001, "access_token missing");
        }
        if (!_issuedAccessTokens.ContainsKey(accessToken))
        {
            return Error(40001, "invalid credential, access_token is invalid or not latest");
        }
        lock (_accessTokenGate)
        {
            return accessToken == _accessToken && time.GetUtcNow() < _accessTokenExpiresAt
                ? null
                : Error(42001, "access_token expired");
        }
    }

    private static JObject? ParseObject(string body)
    {
        try
        {
            return JsonConvert.DeserializeObject<JObject>(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> Code2SessionAsync(
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, CancellationToken cancellationToken)
    {
        var appId = query.GetValueOrDefault("appid").ToString();
        var secret = query.GetValueOrDefault("secret").ToString();
        var code = query.GetValueOrDefault("js_code").ToString();

        if (CheckApp(appId, secret) is { } appError)
        {
            return appError;
        }
        if (code.Length == 0)
        {
            return Error(41008, "missing code");
        }
        if (code.StartsWith(FailurePrefix, StringComparison.Ordinal))
        {
            return await FailAsync(code[FailurePrefix.Length..], cancellationToken);
        }
        if (!FirstUse(_usedCodes, code))
        {
            return Error(40163, "code been used");
        }

        // The part before the first '.' names the user: "alice.1" and "alice.2" are both alice.
        var userName = code.Split('.', 2)[0];
        var session = new Dictionary<string, string>
        {
            ["session_key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
            ["openid"] = StableId("o", appId, userName),
        };
        if (userName.StartsWith("union", StringComparison.Ordinal))
        {
            session["unionid"] = StableId("u", "open-platform", userName);
        }
        return Text(HttpStatusCode.OK, JsonConvert.SerializeObject(session));
    }

    /// <summary>
    /// True the first time a code is used within <see cref="CodeLifetime"/>. A code used longer ago is
    /// forgotten, as WeChat's would have expired; the emulator's codes never expire, so it works again.
    /// </summary>
    private bool FirstUse(ConcurrentDictionary<string, DateTimeOffset> used, string code)
    {
        var now = time.GetUtcNow();
        ForgetExpiredCodes(now);
        var first = true;
        used.AddOrUpdate(code, now, (_, usedAt) =>
        {
            first = now - usedAt >= CodeLifetime;
            return first ? now : usedAt;
        });
        return first;
    }

    private void ForgetExpiredCodes(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + TimeSpan.FromMinutes(1)).UtcTicks, due) != due)
        {
            return;
        }
        foreach (var used in new[] { _usedCodes, _usedPhoneCodes })
        {
            foreach (var (code, usedAt) in used)
            {
                if (now - usedAt >= CodeLifetime)
                {
                    used.TryRemove(KeyValuePair.Create(code, usedAt));
                }
            }
        }
    }

    /// <summary>The checks WeChat makes of appid and secret, with WeChat's errcodes.</summary>
    private HttpResponseMessage? CheckApp(string appId, string secret)
    {
        var wechat = options.Value;
        if (appId.Length == 0)
        {
            return Error(41002, "appid missing");
        }
        if (secret.Length == 0)
        {
            return Error(41004, "appsecret missing");
        }
        if (appId != wechat.AppId)
        {
            return Error(40013, "invalid appid");
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(wechat.AppSecret)))
        {
            return Error(40125, "invalid appsecret");
        }
        return null;
    }

    private static async Task<HttpResponseMessage> FailAsync(string failure, CancellationToken cancellationToken)
    {
        switch (failure)
        {
            case "timeout":
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new OperationCanceledException(cancellationToken);
            case "connfail":
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (emulated)");
            case "http500":
                return Text(HttpStatusCode.InternalServerError, "<html><body>500 Internal Server Error</body></html>");
            case "notjson":
                return Text(HttpStatusCode.OK, "<html><body>502 Bad Gateway</body></html>");
            default:
                return int.TryParse(failure, out var errCode)
                    ? Error(errCode, "emulated error")
                    : Error(40029, "invalid code");
        }
    }

    /// <summary>WeChat-shaped ids: a letter and 27 base64url characters, stable per app and name.</summary>
    private static string StableId(string prefix, string scope, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"wxlogin-emulator:{scope}:{name}"));
        return prefix + Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_')[..27];
    }

    private static HttpResponseMessage Error(int errCode, string errMsg)
    {
        var rid = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var body = JsonConvert.SerializeObject(new { errcode = errCode, errmsg = $"{errMsg}, rid: {rid[..8]}-{rid[8..16]}-{rid[16..]}" });
        return Text(HttpStatusCode.OK, body);
    }

    // WeChat has been seen answering JSON as text/plain; the emulator always does, to keep the client honest.
    private static HttpResponseMessage Text(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
}

/// <summary>Plugs <see cref="WeChatEmulator"/> in as the typed client's primary handler.</summary>
public sealed class WeChatEmulatorHandler(WeChatEmulator emulator) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        emulator.HandleAsync(request, cancellationToken);
}
