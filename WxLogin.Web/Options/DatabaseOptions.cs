using System.ComponentModel.DataAnnotations;

namespace WxLogin.Web.Options;

/// <summary>Which database. Section "Database" (env: Database__Provider); the connection string is ConnectionStrings__Default.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>SQL Server 2019. EF Core 10's own default too, pinned here so a package bump cannot change our SQL.</summary>
    public const int DefaultSqlServerCompatibilityLevel = 150;

    public const string DefaultProvider = "Sqlite";

    /// <summary>Sqlite, SqlServer or PostgreSql (any case); checked at start against the providers the app registers.</summary>
    public string Provider { get; set; } = DefaultProvider;

    /// <summary>Apply pending scripts from database/ at start.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>
    /// The compatibility level of the production database (SELECT compatibility_level FROM sys.databases);
    /// EF Core writes SQL for it (160 lets it use GREATEST/LEAST, 170 the json type). Never set it higher
    /// than the database's: the SQL would fail there. Ignored on SQLite.
    /// </summary>
    [Range(110, 170, ErrorMessage = "Database:SqlServerCompatibilityLevel (env: Database__SqlServerCompatibilityLevel) must be " +
        "a SQL Server compatibility level from 110 (SQL Server 2012) to 170 (SQL Server 2025), such as 150 for SQL Server 2019.")]
    public int SqlServerCompatibilityLevel { get; set; } = DefaultSqlServerCompatibilityLevel;

    /// <summary>
    /// How long a login or logout may wait for the database's write lock (another process writing, a
    /// slow disk) before it answers 503 storage_unavailable.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

