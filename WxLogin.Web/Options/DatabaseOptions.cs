using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>Which database. Section "Database" (env: Database__Provider); the connection string is ConnectionStrings__Default.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending scripts from database/ at start.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>
    /// How long a login or logout may wait for the database's write lock (another process writing, a
    /// slow disk) before it answers 503 storage_unavailable.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
