using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WxLogin.Web.Data;
using WxLogin.Web.Data.Sqlite;
using WxLogin.Web.Errors;
using WxLogin.Web.Options;

namespace WxLogin.Tests.Data.Sqlite;

/// <summary>The login writer's life with the host: it drains on stop, answers 503 after it, and never closes its connection under a batch.</summary>
public sealed class SqliteLoginStoreTests
{
    private ScriptedSqliteDatabase _database = null!;
    private SqliteLoginStore _store = null!;

    [SetUp]
    public async Task StartStore()
    {
        _database = await ScriptedSqliteDatabase.CreateAsync();
        _store = new SqliteLoginStore(_database.Connections, new SqliteFaults(_database.Connections), new SqliteDatabaseFile(_database.Connections),
            Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { WriteTimeout = TimeSpan.FromSeconds(2) }),
            TimeProvider.System, NullLogger<SqliteLoginStore>.Instance);
        await _store.StartAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task StopStore()
    {
        await _store.StopAsync(CancellationToken.None);
        _store.Dispose();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task StopAsync_AnswersEveryQueuedWrite_BeforeItReturns()
    {
        Task<Web.Models.UserSnapshot>[] queued;
        Task stop;
        await using (await HoldWriteLockAsync())
        {
            queued = Enumerable.Range(0, 10).Select(i => _store.SaveLoginAsync(Login($"oDrain{i}"), CancellationToken.None)).ToArray();
            stop = _store.StopAsync(CancellationToken.None);
            await Task.Delay(200);
            Assert.That(stop.IsCompleted, Is.False, "stop waits for the queue");
        }
        await stop;

        Assert.That(queued.Select(t => t.Status), Is.All.EqualTo(TaskStatus.RanToCompletion));
        Assert.That(await CountUsersAsync(), Is.EqualTo(10));
    }

    [Test]
    public async Task AWrite_AfterStop_Answers503()
    {
        await _store.StopAsync(CancellationToken.None);

        var refused = Assert.ThrowsAsync<ApiException>(() => _store.SaveLoginAsync(Login("oLate"), CancellationToken.None));

        Assert.That(refused!.Status, Is.EqualTo(503));
        Assert.That(refused.Code, Is.EqualTo(ErrorCodes.StorageUnavailable));
    }

    [Test]
    public async Task StopAsync_ReturnsAtTheShutdownTimeout_AndTheWriteStillGetsItsOwnAnswer()
    {
        Task<Web.Models.UserSnapshot> waiting;
        var clock = Stopwatch.StartNew();
        await using (await HoldWriteLockAsync())
        {
            waiting = _store.SaveLoginAsync(Login("oSlow"), CancellationToken.None);
            using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await _store.StopAsync(shutdown.Token);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.5)), "stop gave up at the shutdown timeout");
            _store.Dispose(); // the host disposes right after: must not close the connection under the waiting batch

            var answer = Assert.ThrowsAsync<ApiException>(() => waiting);
            Assert.That(answer!.Code, Is.EqualTo(ErrorCodes.StorageUnavailable), "the lock wait's own answer, not a disposed connection");
        }
    }

    [Test]
    public async Task ATurn_ComesAfterTheWritesQueuedBeforeIt_AndTheWritesQueuedDuringItWaitForItsEnd()
    {
        Task<Web.Models.UserSnapshot> before;
        Task<IDisposable> turn;
        await using (await HoldWriteLockAsync())
        {
            before = _store.SaveLoginAsync(Login("oBeforeTurn"), CancellationToken.None);
            turn = _store.TakeTurnAsync(CancellationToken.None);
            await Task.Delay(100);
            Assert.That(turn.IsCompleted, Is.False, "no turn while another connection holds the lock and a login waits before it");
        }

        Task<Web.Models.UserSnapshot> during;
        using (await turn)
        {
            Assert.That(before.Status, Is.EqualTo(TaskStatus.RanToCompletion), "the login queued first committed first");
            during = _store.SaveLoginAsync(Login("oDuringTurn"), CancellationToken.None);
            await Task.Delay(300);
            Assert.That(during.IsCompleted, Is.False, "a login waits while an EF write has the turn");
        }

        await during.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(await CountUsersAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task ATurnNeverEnded_HoldsTheWriterForTheWriteTimeoutOnly()
    {
        var stuck = await _store.TakeTurnAsync(CancellationToken.None);

        var behind = _store.SaveLoginAsync(Login("oBehindStuckTurn"), CancellationToken.None);
        await Task.Delay(500);
        Assert.That(behind.IsCompleted, Is.False, "a login waits while the turn lasts");
        await Task.WhenAny(behind, Task.Delay(TimeSpan.FromSeconds(10)));
        var after = await _store.SaveLoginAsync(Login("oAfterStuckTurn"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // At the boundary of Database:WriteTimeout (2 s) the login behind is written or refused with 503; either way it is answered.
        Assert.That(behind.IsCompleted, Is.True, "answered once the writer stopped waiting for the turn's end");
        Assert.That(after.OpenId, Is.EqualTo("oAfterStuckTurn"), "the writer went on without the turn's end");
        stuck.Dispose();
    }

    private static LoginWrite Login(string openId) =>
        new(openId, null, "protected", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), DateTime.UtcNow.AddDays(7), DateTime.UtcNow);

    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private async Task<long> CountUsersAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Users";
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
