using System.Security.Cryptography;
using System.Text;

// WeChat's jscode2session as the benchmark needs it: every code is a new user (openid derived from
// the code), a session_key of 24 base64 characters, JSON sent as text/plain like WeChat does.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

app.MapGet("/sns/jscode2session", (string? js_code) =>
{
    if (string.IsNullOrEmpty(js_code))
    {
        return Results.Text("""{"errcode":41008,"errmsg":"missing code"}""", "text/plain");
    }
    var hash = SHA256.HashData(Encoding.UTF8.GetBytes(js_code));
    var openId = "o" + Convert.ToHexString(hash, 0, 14);
    var sessionKey = Convert.ToBase64String(hash, 16, 16);
    return Results.Text($$"""{"session_key":"{{sessionKey}}","openid":"{{openId}}"}""", "text/plain");
});

app.Run();
