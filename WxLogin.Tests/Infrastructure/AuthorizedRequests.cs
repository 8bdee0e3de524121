using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WxLogin.Tests.Infrastructure;

/// <summary>Requests with "Authorization: Bearer &lt;token&gt;", for the [CheckToken] endpoints.</summary>
public static class AuthorizedRequests
{
    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string? token, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }
        request.Content = body switch
        {
            null => null,
            string json => new StringContent(json, Encoding.UTF8, "application/json"),
            _ => JsonContent.Create(body),
        };
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetMeAsync(this HttpClient client, string token) =>
        client.SendJsonAsync(HttpMethod.Get, "/api/user/me", token, null);

    /// <summary>The body of a 200 answer as JSON; fails the test on any other status.</summary>
    public static async Task<JsonElement> IsOkAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>POST /api/dev/encrypt: encryptedData and iv for the user's session_key; null payload = an emulated phone number.</summary>
    public static async Task<(string EncryptedData, string Iv)> EncryptForAsync(this HttpClient client, string token, object? payload = null)
    {
        var answer = await (await client.SendJsonAsync(HttpMethod.Post, "/api/dev/encrypt", token, payload)).IsOkAsync();
        return (answer.GetProperty("encryptedData").GetString()!, answer.GetProperty("iv").GetString()!);
    }
}
