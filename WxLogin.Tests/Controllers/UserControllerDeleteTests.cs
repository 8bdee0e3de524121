using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using WxLogin.Tests.Infrastructure;

namespace WxLogin.Tests.Controllers;

/// <summary>DELETE /api/user/me: the account goes, all of it, at once.</summary>
[TestFixtureSource(typeof(Providers), nameof(Providers.All))]
public sealed class UserControllerDeleteTests(DatabaseProvider provider) : AppFixture(provider)
{
    private const string Nickname = "Zelda-Deleted-Nickname";

    [Test]
    public async Task Delete_Answers204_AndTheTokenAnswersTokenInvalidAtOnce()
    {
        var login = await Factory.LoginAsync("delete-me.1", Client);

        var response = await Client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", login.Token, null);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
        });
        await ProblemAssert.IsProblemAsync(await Client.GetMeAsync(login.Token), HttpStatusCode.Unauthorized, "token_invalid");
        Assert.That((await Factory.UserAsync(login.User.OpenId)).Exists, Is.False);
    }

    [Test]
    public async Task Delete_ThenLoginAgain_CreatesANewUserWithANewId()
    {
        var first = await Factory.LoginAsync("delete-again.1", Client);
        await PutProfileAsync(first.Token);
        await Client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", first.Token, null);

        var second = await Factory.LoginAsync("delete-again.2", Client);

        var me = await (await Client.GetMeAsync(second.Token)).IsOkAsync();
        Assert.Multiple(() =>
        {
            Assert.That(second.User.OpenId, Is.EqualTo(first.User.OpenId), "the same WeChat user");
            Assert.That(second.User.Id, Is.GreaterThan(first.User.Id), "ids are never reused (AUTOINCREMENT)");
            Assert.That(me.GetProperty("id").GetInt32(), Is.EqualTo(second.User.Id));
            Assert.That(me.GetProperty("nickname").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        });
    }

    [Test]
    public async Task Delete_WithoutAToken_AnswersTokenMissing_AndDeletesNothing()
    {
        await Factory.LoginAsync("delete-anonymous.1", Client);
        var before = await Factory.SnapshotAsync();

        var response = await Client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", null, null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
        Assert.That(await Factory.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Delete_LeavesOtherUsersAlone()
    {
        var keep = await Factory.LoginAsync("delete-neighbour-keep.1", Client);
        var gone = await Factory.LoginAsync("delete-neighbour-gone.1", Client);

        await Client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", gone.Token, null);

        var me = await (await Client.GetMeAsync(keep.Token)).IsOkAsync();
        Assert.That(me.GetProperty("id").GetInt32(), Is.EqualTo(keep.User.Id));
    }

    [Test]
    public async Task Delete_LeavesNothingOfTheRowInTheDatabaseFile_WalIncluded()
    {
        SqliteOnly("reads the database file's bytes");
        // A user whose row was rewritten several times (profile, phone), so older copies of it existed.
        using var factory = new WxLoginFactory();
        using var client = factory.CreateClient();
        var login = await factory.LoginAsync("secure-delete.1", client);
        await factory.LoginAsync("secure-delete.2", client);
        login = await factory.LoginAsync("secure-delete.3", client);
        (await client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", login.Token, new { nickname = Nickname })).EnsureSuccessStatusCode();
        (await client.SendJsonAsync(HttpMethod.Post, "/api/user/phone", login.Token, new { code = "secure-delete-phone.1" })).EnsureSuccessStatusCode();
        var neighbour = await factory.LoginAsync("secure-delete-neighbour.1", client);
        var openId = login.User.OpenId;
        Assert.That(FileContains(factory, openId), Is.True, "the openid is in the file before the deletion");

        (await client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", login.Token, null)).EnsureSuccessStatusCode();
        await CheckpointAsync(factory);

        Assert.Multiple(() =>
        {
            Assert.That(FileContains(factory, openId), Is.False, "openid");
            Assert.That(FileContains(factory, Nickname), Is.False, "nickname");
            Assert.That(FileContains(factory, neighbour.User.OpenId), Is.True, "the neighbour's row is still there");
        });
    }

    private Task<HttpResponseMessage> PutProfileAsync(string token) =>
        Client.SendJsonAsync(HttpMethod.Put, "/api/user/profile", token, new { nickname = Nickname });

    private static async Task CheckpointAsync(WxLoginFactory factory)
    {
        await using var connection = new SqliteConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>Whether the raw bytes of the database file or its WAL hold the text (UTF-8, SQLite's encoding here).</summary>
    private static bool FileContains(WxLoginFactory factory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return new[] { factory.DatabasePath, factory.DatabasePath + "-wal" }
            .Where(File.Exists)
            .Select(path =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            })
            .Any(bytes => bytes.AsSpan().IndexOf(needle) >= 0);
    }
}
