namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// PRAGMA busy_timeout on every connection EF opens, so a profile save or a deletion that meets the
/// login writer (or another process) holding the write lock waits inside SQLite, which retries in steps
/// of 1 to 100 ms. Without it Microsoft.Data.Sqlite retries by itself, sleeping 150 ms between attempts.
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout)
    : SqlitePragmaInterceptor($"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};");
