using System.Net;
using System.Text.Json;

namespace WxLogin.Tests.Infrastructure;

/// <summary>Asserts the shape every error shares: problem+json, the status, our code, a traceId.</summary>
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
        });
        return problem;
    }
}
