using System.Net;
using System.Text.Json;

namespace WxLogin.Tests.Infrastructure;

/// <summary>Asserts the shape every error shares: problem+json, the status, our code, a traceId, a type and a title.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(status), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        });
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), body);
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status), body);
            Assert.That(problem.TryGetProperty("traceId", out _), Is.True, body);
            // Every problem, whoever writes it (MVC, middleware, the rate limit), has a type and a title.
            Assert.That(problem.TryGetProperty("type", out var type) ? type.GetString() : null, Is.Not.Null.And.Not.Empty, body);
            Assert.That(problem.TryGetProperty("title", out var title) ? title.GetString() : null, Is.Not.Null.And.Not.Empty, body);
        });
        return problem;
    }
}
