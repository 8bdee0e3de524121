using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using WxLogin.Web.Options;

namespace WxLogin.Web.Emulator;

/// <summary>
/// An in-process stand-in for WeChat's servers (WeChat:Mode=Emulator, never in Production). It sits
/// behind the real typed HttpClient as its message handler, so every answer goes through the same
/// parsing as a live one. It answers like WeChat does: text/plain bodies, no errcode on success,
/// errmsg with a rid suffix. The codes it understands are listed in README ("Emulator codes").
/// </summary>
public sealed class WeChatEmulator(IOptions<WeChatOptions> options)
{
    /// <summary>Prefix of the codes that make the emulator fail on purpose: wx-40029, wx-timeout, ...</summary>
    public const string FailurePrefix = "wx-";

    private readonly ConcurrentDictionary<string, byte> _usedCodes = new(StringComparer.Ordinal);

    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var query = QueryHelpers.ParseQuery(request.RequestUri.Query);
        return path.EndsWith("/sns/jscode2session", StringComparison.Ordinal)
            ? await Code2SessionAsync(query, cancellationToken)
            : Error(40066, "invalid url");
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
        if (!_usedCodes.TryAdd(code, 0))
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
