using System.Data.Common;

namespace WxLogin.Web.Data;

/// <summary>
/// Readiness asks this whether the indexes the service relies on are there as the scripts create them:
/// without the unique ones two rows could share an openid or a token, without the covering one the token
/// read can deadlock. Only providers that register one are checked.
/// </summary>
public abstract class IndexProbe
{
    /// <summary>Null when the indexes are as the service needs them; otherwise what is missing, in words.</summary>
    public abstract Task<string?> ProbeAsync(DbConnection connection, CancellationToken cancellationToken);
}
