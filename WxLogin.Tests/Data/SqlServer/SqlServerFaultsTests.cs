using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Data.SqlServer;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>What SqlServerFaults makes of SqlExceptions: a duplicate, a storage fault (503), or nothing of its business.</summary>
public sealed class SqlServerFaultsTests
{
    [TestCase(2601, true, TestName = "SqlServer_IsUniqueViolation_IsTrue_For2601DuplicateKeyInUniqueIndex")]
    [TestCase(2627, true, TestName = "SqlServer_IsUniqueViolation_IsTrue_For2627UniqueConstraint")]
    [TestCase(547, false, TestName = "SqlServer_IsUniqueViolation_IsFalse_For547ForeignKeyOrCheck")]
    [TestCase(515, false, TestName = "SqlServer_IsUniqueViolation_IsFalse_For515NullIntoNotNull")]
    [TestCase(1205, false, TestName = "SqlServer_IsUniqueViolation_IsFalse_For1205Deadlock")]
    public void SqlServer_IsUniqueViolation_ReadsTheErrorNumber(int number, bool expected)
    {
        var sql = SqlExceptions.WithNumber(number);
        var wrapped = new DbUpdateException("An error occurred while saving the entity changes.", sql);
        var faults = new SqlServerFaults();

        Assert.Multiple(() =>
        {
            Assert.That(sql.Number, Is.EqualTo(number), "the constructed exception must carry the number");
            Assert.That(faults.IsUniqueViolation(wrapped), Is.EqualTo(expected));
            Assert.That(faults.IsUniqueViolation(sql), Is.EqualTo(expected));
        });
    }

    [Test]
    public void AConnectionLevelErrorWithoutANumber_IsTheServerUnreachable()
    {
        // SqlClient's "A transport-level error has occurred…" and "TCP Provider, error: 35": number 0, class 20.
        var dropped = SqlExceptions.WithNumber(0, errorClass: 20, message: "A transport-level error has occurred when receiving results from the server.");

        Assert.Multiple(() =>
        {
            Assert.That(dropped.Class, Is.EqualTo(20), "the constructed exception must carry the class");
            Assert.That(new SqlServerFaults().Describe(new DbUpdateException("save failed", dropped)),
                Does.StartWith("the database server cannot be reached"));
            Assert.That(new SqlServerFaults().IsLockTimeout(dropped), Is.False, "logged as an error, not as a busy database");
        });
    }

    [TestCase(258, TestName = "AConnectTimeout258_IsTheServerUnreachable")]
    [TestCase(40, TestName = "AnyFatalErrorBeforeAConnectionExists_IsTheServerUnreachable")]
    public void FatalErrorsWhileConnecting_AreTheServerUnreachable(int number)
    {
        // "TCP Provider, error: 0 - The wait operation timed out" (258) and its kin come before any connection (no ClientConnectionId).
        var failed = SqlExceptions.WithNumber(number, errorClass: 20);

        Assert.Multiple(() =>
        {
            Assert.That(failed.ClientConnectionId, Is.EqualTo(Guid.Empty));
            Assert.That(new SqlServerFaults().Describe(failed), Does.StartWith("the database server cannot be reached").And.Contain($"{number})"));
        });
    }

    [Test]
    public void AStatementsError_IsNoStorageFault()
    {
        // Invalid object name: a bug or a missing script, answered 500 with its stack trace.
        Assert.That(new SqlServerFaults().Describe(SqlExceptions.WithNumber(208, errorClass: 16)), Is.Null);
    }

    [Test]
    public void OperationCancelledByUser_IsNoStorageFault()
    {
        // What SqlClient throws when the request's token cancels a running command: number 0, class 11.
        // The error pipeline decides hang-up by RequestAborted; it must not arrive here as a 503 with an error log.
        var cancelled = SqlExceptions.WithNumber(0, errorClass: 11, message: "Operation cancelled by user.");

        Assert.Multiple(() =>
        {
            Assert.That(new SqlServerFaults().Describe(cancelled), Is.Null);
            Assert.That(new SqlServerFaults().IsLockTimeout(cancelled), Is.False);
        });
    }

    [Test]
    public void ACancelledCommandReportedAsASevereError_IsNoStorageFault()
    {
        // SqlClient often reports a cancelled command with both errors, the fatal-looking one first.
        var cancelled = SqlExceptions.WithErrors(
            (0, 20, "A severe error occurred on the current command.  The results, if any, should be discarded."),
            (0, 11, "Operation cancelled by user."));

        Assert.Multiple(() =>
        {
            Assert.That(cancelled.Class, Is.EqualTo(20), "SqlException.Class is the first error's");
            Assert.That(new SqlServerFaults().Describe(cancelled), Is.Null);
        });
    }

    [Test]
    public void AStorageFault_LeavesTheConnectionPoolsAlone()
    {
        // Clearing SqlClient's pools on every fault turns one transient error into a reconnect storm across
        // every request in flight; only SQLite (a deleted or read-only file) needs its pooled handles dropped.
        var afterFault = typeof(StorageFaults).GetMethod(nameof(StorageFaults.AfterFault))!;

        Assert.Multiple(() =>
        {
            Assert.That(typeof(SqlServerFaults).GetMethod(afterFault.Name)!.DeclaringType, Is.EqualTo(typeof(StorageFaults)),
                "SqlServerFaults must not override AfterFault");
            Assert.That(afterFault.GetMethodBody()!.GetILAsByteArray()!.Where(op => op != 0x00), Is.EqualTo(new byte[] { 0x2A }),
                "the base AfterFault does nothing (ret, and nop in a Debug build)");
            Assert.That(typeof(SqliteFaults).GetMethod(afterFault.Name)!.DeclaringType, Is.EqualTo(typeof(SqliteFaults)),
                "the check can see an override: SQLite has one");
        });
    }
}
