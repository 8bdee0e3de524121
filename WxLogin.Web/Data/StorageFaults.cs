namespace WxLogin.Web.Data;

/// <summary>What a provider's exceptions mean for the service: a storage fault (503), a lock wait, a duplicate key.</summary>
public abstract class StorageFaults
{
    /// <summary>
    /// What is wrong with the storage, in words for the log ("the disk is full (SQLITE_FULL)"), when
    /// the exception says the database cannot serve now (full, read-only, missing, locked, unreachable);
    /// null for anything else, such as a bug in a statement.
    /// </summary>
    public abstract string? Describe(Exception exception);

    /// <summary>True when the fault is another writer holding a lock: the database itself is fine.</summary>
    public virtual bool IsLockTimeout(Exception exception) => false;

    /// <summary>True when the exception says a unique index (such as Users.OpenId) rejected the row.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// Called once for each storage fault that is not a lock wait. Only a provider whose pooled
    /// connections stay bad after the fault (SQLite: opened read-only, or on a deleted file) drops them:
    /// elsewhere clearing pools would turn one transient error into a reconnect storm.
    /// </summary>
    public virtual void AfterFault(Exception exception)
    {
    }

    /// <summary>Walks DbUpdateException and friends down to the provider's own exception.</summary>
    protected static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T match)
            {
                return match;
            }
        }
        return null;
    }
}
