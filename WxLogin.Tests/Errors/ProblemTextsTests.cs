using System.Globalization;
using System.Net;
using System.Resources;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using WxLogin.Tests.Infrastructure;
using WxLogin.Web.Errors;

namespace WxLogin.Tests.Errors;

/// <summary>
/// Every title and detail an error answer can carry has a Chinese text, found from the code itself, and
/// Accept-Language chooses it: zh, zh-CN and zh-Hans get Chinese, anything else English, the code unchanged.
/// </summary>
public sealed partial class ProblemTextsTests : AppFixture
{
    private static readonly Lazy<ErrorDetailSource> Source = new(() => new ErrorDetailSource());

    [Test]
    public void TheSourceReader_FindsTheDetails_AndCanFollowEachOne()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Source.Value.Unreadable, Is.Empty, "details written so that no test can read them");
            // Known ones, each by another route: a literal, a helper's parameter, a default value, a filled-in value.
            Assert.That(Source.Value.Texts, Is.SupersetOf(new[]
            {
                "Send the code from wx.login as {\"code\": \"...\"}.",
                "Send both encryptedData and iv, as e.detail gives them.",
                "The database cannot take this request right now. Retry shortly.",
                "Too many rejected codes from this address. Retry in {0} seconds with a fresh code from wx.login.",
                "signature does not match the configured PushToken.",
            }));
        });
    }

    [Test]
    [SetUICulture("zh-CN")]
    public void EveryDetailTheCodeCanWrite_HasAChineseText_WithTheSameValues()
    {
        var chinese = Localizer();

        Assert.Multiple(() =>
        {
            foreach (var english in Source.Value.Texts)
            {
                var translation = chinese[english];
                Assert.That(translation.ResourceNotFound, Is.False, $"no Chinese for: {english}");
                Assert.That(Holes(translation.Value), Is.EqualTo(Holes(english)), $"the values of: {english}");
            }
        });
    }

    [Test]
    [SetUICulture("zh-CN")]
    public async Task EveryTitleAndFrameworkDetail_HasAChineseText()
    {
        var chinese = Localizer();
        var titles = (await ErrorStatusesAsync()).Select(status => ReasonPhrases.GetReasonPhrase(status)).ToList();

        Assert.Multiple(() =>
        {
            foreach (var english in titles.Concat(Problems.DefaultDetails.Values))
            {
                Assert.That(chinese[english].ResourceNotFound, Is.False, $"no Chinese for: {english}");
            }
        });
    }

    [Test]
    [SetUICulture("zh-CN")]
    public async Task EveryChineseText_IsForATextTheCodeWrites()
    {
        var titles = (await ErrorStatusesAsync()).Select(status => ReasonPhrases.GetReasonPhrase(status));
        var written = Source.Value.Texts.Concat(titles).Concat(Problems.DefaultDetails.Values).Append("Error").ToHashSet();

        Assert.That(Localizer().GetAllStrings(includeParentCultures: false).Select(text => text.Name).Where(name => !written.Contains(name)),
            Is.Empty, "translations of texts the code no longer writes");
    }

    [Test]
    [SetUICulture("zh-CN")]
    public void AFilledInText_IsTranslated_AndSoIsATextFilledIntoIt()
    {
        var texts = Factory.Services.GetRequiredService<ProblemTexts>();

        Assert.Multiple(() =>
        {
            Assert.That(texts.Translate("Too many rejected codes from this address. Retry in 42 seconds with a fresh code from wx.login."),
                Is.EqualTo("此地址被拒绝的 code 过多。请在 42 秒后用 wx.login 获取的新 code 重试。"));
            Assert.That(texts.Translate("The push is refused: signature does not match the configured PushToken."),
                Is.EqualTo("推送被拒绝：signature 与已配置的 PushToken 不匹配。"));
            Assert.That(texts.Translate("A text nobody translated."), Is.EqualTo("A text nobody translated."));
        });
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public void TextsWithoutATranslation_AreAPlainMiss_NothingThrownOrRememberedPerText(string culture)
    {
        var texts = Factory.Services.GetRequiredService<ProblemTexts>();
        var missed = 0;
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is MissingManifestResourceException)
            {
                Interlocked.Increment(ref missed);
            }
        }
        var before = CultureInfo.CurrentUICulture;
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            for (var i = 0; i < 50; i++)
            {
                texts.Translate($"charset=client-chosen-{i} is not supported: send UTF-8 (JSON may also be UTF-16).");
                texts.Translate($"No such text {i}.");
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
            CultureInfo.CurrentUICulture = before;
        }

        Assert.That(missed, Is.Zero, "a lookup that throws is remembered per text by the localizer");
    }

    [TestCase("zh-CN")]
    [TestCase("zh")]
    [TestCase("zh-Hans")]
    [TestCase("zh-CN,zh;q=0.9,en;q=0.8")]
    public async Task ChineseClients_GetChineseTitleAndDetail_WithTheSameCode(string language)
    {
        var problem = await LoginWithoutACodeAsync(language);

        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("code_missing"));
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("请求无效"));
            Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("请以 {\"code\": \"...\"} 的形式发送 wx.login 得到的 code。"));
        });
    }

    [TestCase(null)]
    [TestCase("en")]
    [TestCase("en-US")]
    [TestCase("fr")]
    [TestCase("zh-TW")]
    public async Task OtherClients_GetEnglish_WithTheSameCode(string? language)
    {
        var problem = await LoginWithoutACodeAsync(language);

        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("code_missing"));
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Bad Request"));
            Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("Send the code from wx.login as {\"code\": \"...\"}."));
        });
    }

    [Test]
    public async Task TheFrameworksOwnAnswers_AndFilledInTexts_AreChineseToo()
    {
        var notFound = await SendAsync(HttpMethod.Get, "/api/no-such-path", "zh-CN");
        var charset = await SendAsync(HttpMethod.Post, "/api/user/login", "zh-CN", "application/json; charset=bogus");
        var token = await SendAsync(HttpMethod.Get, "/api/user/me", "zh-CN");

        Assert.Multiple(async () =>
        {
            var problem = await ProblemAssert.IsProblemAsync(notFound, HttpStatusCode.NotFound, "not_found");
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("未找到"));
            Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("此路径下没有接口。接口列表见 /swagger。"));
            problem = await ProblemAssert.IsProblemAsync(charset, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
            Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("不支持 charset=bogus：请发送 UTF-8（JSON 也可以是 UTF-16）。"));
            problem = await ProblemAssert.IsProblemAsync(token, HttpStatusCode.Unauthorized, "token_missing");
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("未授权"));
        });
    }

    private IStringLocalizer Localizer() => Factory.Services.GetRequiredService<IStringLocalizer<ProblemTexts>>();

    private async Task<JsonElement> LoginWithoutACodeAsync(string? language)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/user/login", language, "application/json", "{}");
        return await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "code_missing");
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? language, string? contentType = null, string body = "{}")
    {
        var request = new HttpRequestMessage(method, path);
        if (language is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", language);
        }
        if (contentType is not null)
        {
            request.Content = new StringContent(body);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return Client.SendAsync(request);
    }

    /// <summary>Every error status the Swagger document says an operation can answer, and the framework's own (404, 405).</summary>
    private async Task<IReadOnlyList<int>> ErrorStatusesAsync()
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"));
        return [.. document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .SelectMany(operation => operation.Value.GetProperty("responses").EnumerateObject())
            .Select(response => int.Parse(response.Name))
            .Where(status => status >= 400)
            .Concat(Problems.DefaultDetails.Keys)
            .Distinct()
            .Order()];
    }

    private static string[] Holes(string text) => [.. HolePattern().Matches(text).Select(match => match.Value).Order()];

    [GeneratedRegex(@"\{\d+}")]
    private static partial Regex HolePattern();
}
