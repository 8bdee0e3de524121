using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WxLogin.Web.Options;

namespace WxLogin.Web.Services;

/// <summary>
/// Counts, per client address, the login codes that cost us something and gave nothing: codes WeChat
/// rejected (code_invalid, code_used) and codes refused by shape. Past Auth:RejectedCodesPerMinute in one
/// window the address must wait for the window to end. Successful logins are never counted, so 200
/// users behind one NAT all get in.
/// A fixed window per address, opened by its first rejection, on <see cref="TimeProvider"/> so tests
/// can move the clock. Memory is bounded: windows that ended are swept at most once a minute (by the
/// next rejection), and at most <see cref="MaxTrackedClients"/> addresses are tracked at once (past that,
/// new addresses go uncounted until the next sweep frees room: WeChat's own per-user limit still applies).
/// </summary>
public sealed class RejectedCodeLimiter(IOptions<AuthOptions> options, TimeProvider time, ILogger<RejectedCodeLimiter> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>About 100 bytes each: 10 MB at most.</summary>
    public const int MaxTrackedClients = 100_000;

    private readonly ConcurrentDictionary<string, ClientWindow> _clients = new(StringComparer.Ordinal);
    private long _nextSweepTicks;
    private long _warnedUntilTicks;

    /// <summary>How many addresses have an open window (for tests and diagnostics).</summary>
    internal int TrackedClients => _clients.Count;

    /// <summary>Null when the client may try a code now; otherwise how long until its window ends.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        if (!_clients.TryGetValue(client, out var window))
        {
            return null;
        }
        var now = time.GetUtcNow();
        lock (window)
        {
            return now < window.EndsAt && window.Rejected >= options.Value.RejectedCodesPerMinute ? window.EndsAt - now : null;
        }
    }

    /// <summary>Counts one rejected code against the client.</summary>
    public void Record(string client)
    {
        var now = time.GetUtcNow();
        SweepIfDue(now);
        if (!_clients.TryGetValue(client, out var window))
        {
            if (_clients.Count >= MaxTrackedClients)
            {
                // Full until the next sweep (at most a minute away): new addresses go uncounted meanwhile.
                WarnFull(now);
                return;
            }
            window = _clients.GetOrAdd(client, _ => new ClientWindow());
        }
        lock (window)
        {
            if (now >= window.EndsAt)
            {
                window.EndsAt = now + Window;
                window.Rejected = 0;
            }
            window.Rejected++;
        }
    }

    /// <summary>
    /// The address a limit applies to, as the forwarded-headers middleware saw it. An IPv6 client
    /// usually holds a whole /64, so that is one client; IPv4-mapped addresses count as IPv4.
    /// </summary>
    public static string ClientOf(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks >= due && Interlocked.CompareExchange(ref _nextSweepTicks, (now + Window).UtcTicks, due) == due)
        {
            Sweep(now);
        }
    }

    private void WarnFull(DateTimeOffset now)
    {
        var until = Interlocked.Read(ref _warnedUntilTicks);
        if (now.UtcTicks >= until && Interlocked.CompareExchange(ref _warnedUntilTicks, (now + Window).UtcTicks, until) == until)
        {
            logger.LogWarning("The rejected-code limit tracks {Count} addresses, its maximum: new addresses go uncounted until their windows end", MaxTrackedClients);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (client, window) in _clients)
        {
            bool ended;
            lock (window)
            {
                ended = now >= window.EndsAt;
            }
            if (ended)
            {
                _clients.TryRemove(KeyValuePair.Create(client, window));
            }
        }
    }

    private sealed class ClientWindow
    {
        public DateTimeOffset EndsAt { get; set; }

        public int Rejected { get; set; }
    }
}
