using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Emulator;
using WxLogin.Web.Extensions;

namespace WxLogin.Tests.Services.WeChat;

/// <summary>
/// WeChat's answers are not trusted: wrong shapes, huge bodies, redirects and identifiers that cannot be
/// WeChat's are 503 wx_unavailable with nothing written, through the real pipeline in Live mode.
/// </summary>
public sealed class WeChatAnswerTests
{
    private const string SessionKey = "tiihtNczf5v6AKRyjwEUhQ==";

    private WxLoginFactory _factory = null!;
    private HttpClient _client = null!;
    private Func<HttpRequestMessage, HttpResponseMessage> _answer = _ => new HttpResponseMessage(HttpStatusCode.OK);
    private int _codes;

    [OneTimeSetUp]
    public void StartApp()
    {
        _factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:Mode"] = "Live" })
        {
            WeChatHandler = new StubHttpHandler((request, _) => Task.FromResult(_answer(request))),
        };
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [TestCase("""{"openid":{"a":1},"session_key":"S"}""")]
    [TestCase("""{"openid":["oABC"],"session_key":"S"}""")]
    [TestCase("""{"openid":"oABC","session_key":{"k":"S"}}""")]
    [TestCase("""{"openid":"oABC","session_key":["S"]}""")]
    [TestCase("""{"errcode":"abc","errmsg":"x"}""")]
    [TestCase("""{"errcode":99999999999,"errmsg":"x"}""")]
    [TestCase("""{"errcode":{"code":40029},"errmsg":"x"}""")]
    [TestCase("""{"errcode":1.5,"errmsg":"x"}""")]
    [TestCase("""{"errcode":0,"errmsg":{"text":"ok"},"openid":"oABC","session_key":"S"}""")]
    [TestCase("""{"openid":"oABC","session_key":"S","unionid":{"u":1}}""")]
    public async Task Login_Answers503_WhenWeChatsJsonHasTheWrongShape(string body)
    {
        await AssertUnavailableAndNothingWrittenAsync(Json(body.Replace("\"S\"", $"\"{SessionKey}\"")));
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("o\nABC")]
    [TestCase("o\u0000ABC")]
    [TestCase("o ABC")]
    [TestCase("oABC/../x")]
    [TestCase("o用户")]
    public async Task Login_Answers503_WhenTheOpenIdCannotBeWeChats(string openId)
    {
        var body = Newtonsoft.Json.JsonConvert.SerializeObject(new { openid = openId, session_key = SessionKey });

        await AssertUnavailableAndNothingWrittenAsync(Json(body));
    }

    [TestCase("""{"openid":123456,"session_key":"S"}""")]
    [TestCase("""{"openid":true,"session_key":"S"}""")]
    [TestCase("""{"openid":"oABC","session_key":"S","unionid":""}""")]
    [TestCase("""{"openid":"oABC","session_key":"S","unionid":42}""")]
    [TestCase("""{"openid":"oABC","session_key":"S","unionid":false}""")]
    [TestCase("""{"openid":"oABC","session_key":"S","unionid":"u\r\nX"}""")]
    public async Task Login_Answers503_WhenAnIdentifierIsNotAString(string body)
    {
        await AssertUnavailableAndNothingWrittenAsync(Json(body.Replace("\"S\"", $"\"{SessionKey}\"")));
    }

    [Test]
    public async Task Login_Answers503_ForAnOpenIdOf5000Characters_AndAcceptsOneOf64()
    {
        var tooLong = new string('o', 5000);
        await AssertUnavailableAndNothingWrittenAsync(Json($$"""{"openid":"{{tooLong}}","session_key":"{{SessionKey}}"}"""));

        var longest = "o" + new string('A', 62) + "-";
        _answer = _ => Json($$"""{"openid":"{{longest}}","session_key":"{{SessionKey}}","unionid":"u_Z-9"}""");
        var login = await _client.PostAsJsonAsync("/api/user/login", new { code = NextCode() });

        var user = (await login.IsOkAsync()).GetProperty("user");
        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("openId").GetString(), Is.EqualTo(longest));
            Assert.That(user.GetProperty("unionId").GetString(), Is.EqualTo("u_Z-9"));
        });
    }

    [Test]
    public async Task Login_Answers503_WhenTheCharsetIsUnknown()
    {
        var answer = Json($$"""{"openid":"oCharset","session_key":"{{SessionKey}}"}""");
        answer.Content.Headers.ContentType!.CharSet = "bogus";

        await AssertUnavailableAndNothingWrittenAsync(answer);
    }

    [Test]
    public async Task Login_Answers503_ForAnAnswerOver64KB_ReadingNoMoreThanTheLimit()
    {
        // 50 MB of valid JSON, served lazily and without a Content-Length: only a bounded read can refuse it.
        var body = new CountingJsonContent(50 * 1024 * 1024, declareLength: false);

        await AssertUnavailableAndNothingWrittenAsync(new HttpResponseMessage(HttpStatusCode.OK) { Content = body });

        Assert.That(body.BytesServed, Is.LessThanOrEqualTo(WxLogin.Web.Services.WeChat.WeChatClient.MaxAnswerBytes + 16 * 1024),
            "the body is read only up to the limit, never whole");
    }

    [Test]
    public async Task Login_Answers503_ForADeclaredContentLengthOver64KB_BeforeReadingIt()
    {
        var body = new CountingJsonContent(50 * 1024 * 1024, declareLength: true);

        await AssertUnavailableAndNothingWrittenAsync(new HttpResponseMessage(HttpStatusCode.OK) { Content = body });

        Assert.That(body.BytesServed, Is.Zero);
    }

    [Test]
    public async Task Login_Answers503_ForARedirect_EvenWithAValidIdentityInTheBody()
    {
        var redirect = Json($$"""{"openid":"oRedirected","session_key":"{{SessionKey}}"}""", HttpStatusCode.Found);
        redirect.Headers.Location = new Uri("https://evil.example/sns/jscode2session");

        await AssertUnavailableAndNothingWrittenAsync(redirect);
    }

    [Test]
    public void LiveConnection_DoesNotFollowRedirects()
    {
        using var handler = WeChatExtensions.CreateLiveHandler();

        Assert.That(handler.AllowAutoRedirect, Is.False);
    }

    [Test]
    public async Task ErrmsgWithALineBreak_IsEscapedInTheLog_SoItCannotForgeALine()
    {
        _answer = _ => Json("""{"errcode":40029,"errmsg":"invalid code\nfail: Forged.Category[0] admin logged in\u001b[31m"}""");

        var response = await _client.PostAsJsonAsync("/api/user/login", new { code = NextCode() });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_invalid");
        var line = _factory.Logs.Last(l => l.Contains("errcode 40029"));
        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Contain(@"invalid code\u000Afail: Forged.Category[0] admin logged in\u001B[31m"));
            Assert.That(line.Where(char.IsControl).Select(c => (int)c), Is.Empty, line);
        });
    }

    [Test]
    public async Task PhoneNumber_Answers503_WhenWeChatSendsAHugeInteger()
    {
        _answer = _ => Json($$"""{"openid":"oPhoneHuge","session_key":"{{SessionKey}}"}""");
        var token = (await (await _client.PostAsJsonAsync("/api/user/login", new { code = NextCode() })).IsOkAsync())
            .GetProperty("token").GetString();
        var phoneInfo = """{"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":123456789012345678901234567890123456789,"purePhoneNumber":"13800000000","countryCode":86}}""";
        _answer = request => Json(request.RequestUri!.AbsolutePath.EndsWith("stable_token", StringComparison.Ordinal)
            ? """{"access_token":"ACCESS_TOKEN","expires_in":7200}"""
            : phoneInfo);

        var response = await _client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", token, new { code = "phone-code" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        var me = await (await _client.GetMeAsync(token!)).IsOkAsync();
        Assert.That(me.GetProperty("phoneNumber").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [Test]
    public async Task PhoneNumber_Answers400_WhenTheDecryptedDataHoldsAHugeInteger()
    {
        _answer = _ => Json($$"""{"openid":"oPhoneDecrypted","session_key":"{{SessionKey}}"}""");
        var token = (await (await _client.PostAsJsonAsync("/api/user/login", new { code = NextCode() })).IsOkAsync())
            .GetProperty("token").GetString()!;
        // Sealed here with the stub's session_key: the Development encrypt helper takes phone numbers as text.
        var (encryptedData, iv) = WeChatEmulator.EncryptUserData(SessionKey,
            $$$"""{"phoneNumber":123456789012345678901234567890123456789,"purePhoneNumber":123456789012345678901234567890123456789,"countryCode":86,"watermark":{"appid":"{{{WxLoginFactory.AppId}}}","timestamp":1}}""");

        var response = await _client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", token, new { encryptedData, iv });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        var me = await (await _client.GetMeAsync(token)).IsOkAsync();
        Assert.That(me.GetProperty("phoneNumber").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    private async Task AssertUnavailableAndNothingWrittenAsync(HttpResponseMessage answer)
    {
        _answer = _ => answer;
        var usersBefore = await CountUsersAsync();

        var response = await _client.PostAsJsonAsync("/api/user/login", new { code = NextCode() });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "wx_unavailable");
        Assert.That(await CountUsersAsync(), Is.EqualTo(usersBefore), "nothing is written");
    }

    private async Task<long> CountUsersAsync()
    {
        await using var connection = new SqliteConnection(_factory.ConnectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Users";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private string NextCode() => $"answer{Interlocked.Increment(ref _codes)}";

    private static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A JSON object padded to <c>length</c> bytes, made as it is read, counting what was read.</summary>
    private sealed class CountingJsonContent(long length, bool declareLength) : HttpContent
    {
        private long _served;

        public long BytesServed => Interlocked.Read(ref _served);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            new ProducingStream(this).CopyToAsync(stream);

        protected override Task<Stream> CreateContentReadStreamAsync() =>
            Task.FromResult<Stream>(new ProducingStream(this));

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return declareLength;
        }

        /// <summary>Serves the body chunk by chunk as the reader asks, so nothing is made that is not read.</summary>
        private sealed class ProducingStream(CountingJsonContent content) : Stream
        {
            private readonly byte[] _head = Encoding.UTF8.GetBytes($$"""{"openid":"oHuge","session_key":"{{SessionKey}}","pad":" """);
            private long _position;

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _position; set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var remaining = content.Length() - _position;
                if (remaining <= 0)
                {
                    return 0;
                }
                var n = (int)Math.Min(Math.Min(count, 8192), remaining);
                for (var i = 0; i < n; i++)
                {
                    var at = _position + i;
                    buffer[offset + i] = at < _head.Length ? _head[at] : at == content.Length() - 2 ? (byte)'"' : at == content.Length() - 1 ? (byte)'}' : (byte)'x';
                }
                _position += n;
                Interlocked.Add(ref content._served, n);
                return n;
            }

            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        private long Length() => length;
    }
}
