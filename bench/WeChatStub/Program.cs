using System.Globalization;
using System.Security.Cryptography;
using System.Text;

// WeChat's jscode2session as the benchmark needs it: every code is a new user (openid derived from
// the code), a session_key of 24 base64 characters, JSON sent as text/plain like WeChat does.
// A code that starts with "slow<N>-" is answered after N milliseconds (at most 10,000): a slow WeChat
// for the flash-crowd scenario, chosen per request so one stand-in serves every scenario.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

app.MapGet("/sns/jscode2session", async (string? js_code) =>
{
    if (string.IsNullOrEmpty(js_code))
    {
        return Results.Text("""{"errcode":41008,"errmsg":"missing code"}""", "text/plain");
    }
    if (DelayOf(js_code) is { } delay)
    {
        await Task.Delay(delay);
    }
    var hash = SHA256.HashData(Encoding.UTF8.GetBytes(js_code));
    var openId = "o" + Convert.ToHexString(hash, 0, 14);
    var sessionKey = Convert.ToBase64String(hash, 16, 16);
    return Results.Text($$"""{"session_key":"{{sessionKey}}","openid":"{{openId}}"}""", "text/plain");
});

app.Run();

static TimeSpan? DelayOf(string code)
{
    var dash = code.IndexOf('-');
    return code.StartsWith("slow", StringComparison.Ordinal) && dash > 4
        && int.TryParse(code.AsSpan(4, dash - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 10_000
        ? TimeSpan.FromMilliseconds(ms)
        : null;
}
