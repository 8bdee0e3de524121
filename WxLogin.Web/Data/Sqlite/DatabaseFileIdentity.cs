using Microsoft.Win32.SafeHandles;

namespace WxLogin.Web.Data.Sqlite;

/// <summary>
/// Notices when the SQLite file under the configured path is no longer the file this process opened
/// (deleted, moved or replaced while running). SQLite in WAL mode does not: it goes on writing into
/// the deleted file, and every write is lost at the next start. Holds a read handle on the file and,
/// on Linux, compares what /proc/self/fd says that handle points at; elsewhere checks the path exists
/// (Windows refuses to delete an open database file anyway).
/// </summary>
public sealed class DatabaseFileIdentity(string path) : IDisposable
{
    private SafeFileHandle? _handle;
    private string? _openedAs;

    public string Path { get; } = path;

    /// <summary>Remembers the file now under the path (no-op while one is remembered). Never creates it.</summary>
    public void Pin()
    {
        if (_handle is not null)
        {
            return;
        }
        _handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _openedAs = LinkTarget(_handle);
    }

    /// <summary>True when the remembered file is gone from the path or another file took its place.</summary>
    public bool HasMoved()
    {
        if (_handle is null)
        {
            return false;
        }
        return _openedAs is null ? !File.Exists(Path) : LinkTarget(_handle) != _openedAs;
    }

    /// <summary>
    /// Forgets the remembered file, after it moved. Closing the handle releases this process's POSIX
    /// locks on that file, which is why it is closed only once the file is no longer the database.
    /// </summary>
    public void Forget()
    {
        _handle?.Dispose();
        _handle = null;
        _openedAs = null;
    }

    public void Dispose() => Forget();

    private static string? LinkTarget(SafeFileHandle handle) =>
        OperatingSystem.IsLinux()
            ? new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget
            : null;
}
