using System.Net;
using System.Text;

namespace WxLogin.Tests.Infrastructure;

/// <summary>Answers every request with what the test scripted, and remembers what was asked.</summary>
public sealed class StubHttpHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    public List<Uri> Requests { get; } = [];

    public static StubHttpHandler Text(string body, string mediaType = "text/plain", HttpStatusCode status = HttpStatusCode.OK) =>
        new((_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) }));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request.RequestUri!);
        return answer(request, cancellationToken);
    }
}
