using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Data;

/// <summary>
/// The storage going wrong under the running app: another process holding the write
/// lock, the file deleted or replaced, then put back. Each case through the real pipeline and a real
/// SQLite file; faults that root cannot cause with chmod are caused by what root can do.
/// </summary>
[NonParallelizable]
public sealed class StorageFaultTests
{
    private WxLoginFactory _factory = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void StartApp()
    {
        _factory = new WxLoginFactory(new Dictionary<string, string?> { ["Database:WriteTimeout"] = "00:00:00.200" });
        _client = _factory.CreateClient();
    }

    [TearDown]
    public void StopApp()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task Login_AnswersStorageUnavailable_AndMeStillAnswers_WhileAnotherProcessHoldsTheWriteLock()
    {
        var before = await _factory.LoginAsync("locked.1", _client);
        await using var other = await HoldWriteLockAsync();

        var login = await _client.PostAsJsonAsync("/api/user/login", new { code = "locked.2" });
        var me = await _client.GetMeAsync(before.Token);

        await ProblemAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.That((await me.IsOkAsync()).GetProperty("id").GetInt32(), Is.EqualTo(before.User.Id));
        Assert.That(_factory.Logs, Has.None.StartsWith("Error").And.None.StartsWith("Critical"), "a held lock is not an error of ours");
    }

    [Test]
    public async Task Login_Succeeds_OnceTheOtherProcessReleasesTheWriteLock()
    {
        await using (await HoldWriteLockAsync())
        {
            var refused = await _client.PostAsJsonAsync("/api/user/login", new { code = "released.1" });
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        }

        var login = await _factory.LoginAsync("released.2", _client);

        Assert.That((await (await _client.GetMeAsync(login.Token)).IsOkAsync()).GetProperty("id").GetInt32(), Is.EqualTo(login.User.Id));
    }

    [TestCase("PUT", "/api/user/profile", """{"nickname":"昵称"}""")]
    [TestCase("DELETE", "/api/user/me", null)]
    public async Task AnEfCoreWrite_AnswersStorageUnavailable_WhileAnotherProcessHoldsTheWriteLock_AndSucceedsOnceReleased(
        string method, string path, string? body)
    {
        var login = await _factory.LoginAsync("locked-ef.1", _client);
        await using (await HoldWriteLockAsync())
        {
            var refused = await _client.SendJsonAsync(new HttpMethod(method), path, login.Token, body);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        }

        var written = await _client.SendJsonAsync(new HttpMethod(method), path, login.Token, body);

        Assert.That(written.IsSuccessStatusCode, Is.True, $"{written.StatusCode} once the lock is released");
        Assert.That(_factory.Logs, Has.None.StartsWith("Error").And.None.StartsWith("Critical"), "a held lock is not an error of ours");
    }

    [Test]
    public async Task Logout_AnswersStorageUnavailable_AndNotNoContent_WhenTheRevocationCannotBeWritten()
    {
        var login = await _factory.LoginAsync("logout-locked.1", _client);

        await using (await HoldWriteLockAsync())
        {
            var logout = await _client.SendJsonAsync(HttpMethod.Post, "/api/user/logout", login.Token, null);
            await ProblemAssert.IsProblemAsync(logout, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        }
        var retried = await _client.SendJsonAsync(HttpMethod.Post, "/api/user/logout", login.Token, null);
        var me = await _client.GetMeAsync(login.Token);

        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Test]
    public async Task Writes_AnswerStorageUnavailable_ReadinessFails_AndNoEmptyDatabaseAppears_WhenTheFileIsDeleted()
    {
        await _factory.LoginAsync("deleted.1", _client);

        File.Delete(_factory.DatabasePath);
        var login = await _client.PostAsJsonAsync("/api/user/login", new { code = "deleted.2" });
        var health = await _client.GetAsync("/health");

        await ProblemAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await health.Content.ReadAsStringAsync());
        Assert.That(File.Exists(_factory.DatabasePath), Is.False, "no connection may create a new, empty database");
        Assert.That(_factory.Logs, Has.Some.Contains("deleted, moved or replaced"));
    }

    [Test]
    public async Task Writes_Recover_AtTheNextRequest_OnceTheFileIsPutBack()
    {
        var before = await _factory.LoginAsync("restored.1", _client);
        var path = _factory.DatabasePath;
        File.Move(path, path + ".away");
        Directory.CreateDirectory(path); // what root cannot be kept out of by chmod: nothing usable at the path
        var refused = await _client.PostAsJsonAsync("/api/user/login", new { code = "restored.2" });
        var refusedHealth = await _client.GetAsync("/health");

        Directory.Delete(path);
        File.Move(path + ".away", path);
        var login = await _factory.LoginAsync("restored.3", _client);
        var health = await _client.GetAsync("/health");

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.That(refusedHealth.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(login.User.Id, Is.EqualTo(before.User.Id));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), await health.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Readiness_IsHealthy_WhenSchemaIsCompleteAndTheFileTakesWrites()
    {
        var health = await _client.GetAsync("/health");

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Readiness_Fails_WhenTheSchemaIsMissingAColumn()
    {
        await using (var connection = new SqliteConnection(_factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "ALTER TABLE Users DROP COLUMN CountryCode";
            await drop.ExecuteNonQueryAsync();
        }

        var health = await _client.GetAsync("/health");

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("Unhealthy"));
    }

    /// <summary>A second connection, as another process would hold it: BEGIN EXCLUSIVE keeps every other writer out.</summary>
    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection(_factory.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }
}
