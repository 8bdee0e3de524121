using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WxLogin.Tests.Infrastructure;

/// <summary>HTTP/1.1 spoken in raw bytes to the app on Kestrel, for what HttpClient will not send: bad framing, lying lengths, stalls.</summary>
public static class RawHttp
{
    /// <summary>Sends raw bytes and reads the answer until the server closes (every request says Connection: close).</summary>
    public static async Task<(int Status, string ContentType, string Body)> SendAsync(IPEndPoint server, byte[] request, bool holdOpen = false)
    {
        // A server that answers a large body early (413) and closes resets the connection; now and then the
        // reset reaches the client first and discards the answer it had already received (TCP's race, not
        // the server's). Such a request that got no byte back is sent again, at most three times in all.
        for (var attempt = 1; ; attempt++)
        {
            var raw = await SendOnceAsync(server, request, holdOpen);
            if (raw.Length > 0 || request.Length <= 64 * 1024 || attempt == 3)
            {
                return Parse(raw);
            }
        }
    }

    private static async Task<byte[]> SendOnceAsync(IPEndPoint server, byte[] request, bool holdOpen)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(server, timeout.Token);
        var stream = tcp.GetStream();
        // Read while writing: a server that answers early (413) and closes may reset the connection while a
        // large body is still being sent, and a reset discards whatever answer was not read yet.
        var received = new MemoryStream();
        var reading = ReadAllAsync(stream, received, timeout.Token);
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            if (!holdOpen && request.Length > 64 * 1024)
            {
                tcp.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server answered and closed before taking the whole body: the reader has what it said.
        }
        await reading;
        return received.ToArray();
    }

    private static async Task ReadAllAsync(Stream stream, MemoryStream received, CancellationToken cancellationToken)
    {
        try
        {
            await stream.CopyToAsync(received, cancellationToken);
        }
        catch (IOException)
        {
            // A reset after the answer: keep what arrived.
        }
    }

    private static (int Status, string ContentType, string Body) Parse(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.That(headEnd, Is.GreaterThan(0), $"no HTTP answer: '{text}'");
        var lines = text[..headEnd].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(headEnd + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked"))
        {
            var unchunked = new StringBuilder();
            var at = 0;
            while (at < body.Length)
            {
                var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                var size = Convert.ToInt32(body[at..lineEnd], 16);
                if (size == 0)
                {
                    break;
                }
                unchunked.Append(body, lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
            body = unchunked.ToString();
        }
        return (status, headers.GetValueOrDefault("Content-Type", ""), body);
    }
}
