namespace WxLogin.Web.Options;

/// <summary>Which database. Section "Database" (env: Database__Provider); the connection string is ConnectionStrings__Default.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending scripts from database/ at start.</summary>
    public bool AutoMigrate { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
