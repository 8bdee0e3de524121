using Microsoft.Data.Sqlite;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>SQLite's result codes (https://sqlite.org/rescode.html) in words for the log.</summary>
public sealed class SqliteFaults(SqliteConnections connections) : StorageFaults
{
    internal const int Busy = 5;
    internal const int Locked = 6;
    internal const int ReadOnly = 8;
    internal const int IoError = 10;
    internal const int Corrupt = 11;
    internal const int Full = 13;
    internal const int CantOpen = 14;
    internal const int NotADatabase = 26;
    internal const int ReadOnlyDbMoved = ReadOnly | (4 << 8);

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    private const int UniqueConstraint = 2067;
    private const int PrimaryKeyConstraint = 1555;

    public override string? Describe(Exception exception) =>
        Find<SqliteException>(exception) is not { } sqlite ? null : sqlite.SqliteErrorCode switch
        {
            Busy or Locked => "another connection holds the database's write lock (SQLITE_BUSY)",
            ReadOnly when sqlite.SqliteExtendedErrorCode == ReadOnlyDbMoved =>
                "the database file was deleted, moved or replaced while the service ran (SQLITE_READONLY_DBMOVED)",
            ReadOnly => "the database file or its folder is read-only (SQLITE_READONLY)",
            IoError => "a disk I/O error (SQLITE_IOERR)",
            Corrupt or NotADatabase => "the database file is damaged or not a database (SQLITE_CORRUPT)",
            Full => "the disk is full (SQLITE_FULL)",
            CantOpen => "the database file cannot be opened: it is missing or its folder is not accessible (SQLITE_CANTOPEN)",
            _ => null,
        };

    public override bool IsLockTimeout(Exception exception) =>
        Find<SqliteException>(exception) is { SqliteErrorCode: Busy or Locked };

    public override bool IsUniqueViolation(Exception exception) =>
        Find<SqliteException>(exception) is { SqliteExtendedErrorCode: UniqueConstraint or PrimaryKeyConstraint };

    // A connection opened while the file was read-only stays read-only, and one on a deleted file keeps
    // writing into it: the next request must open a fresh one.
    public override void AfterFault(Exception exception) => connections.Reset();
}
