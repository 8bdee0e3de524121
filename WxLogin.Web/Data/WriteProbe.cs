using System.Data.Common;

namespace WxLogin.Web.Data;

/// <summary>Readiness asks this whether the database takes writes, without writing anything.</summary>
public abstract class WriteProbe
{
    /// <summary>Null when this connection may write; otherwise why not. Leaves nothing behind.</summary>
    public abstract Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken);
}
