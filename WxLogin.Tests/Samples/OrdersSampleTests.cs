using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Tests.Samples.Orders;
using WxLogin.Web.Data;
using WxLogin.Web.Emulator;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Tests.Samples;

/// <summary>
/// docs/extending.md's Orders example through the real app: a protected endpoint of a team's own, its table
/// and user field from numbered scripts, and its rows deleted with the account by both ways an account ends.
/// </summary>
public sealed class OrdersSampleTests
{
    private const string PushToken = "ordersPushToken7";

    private WxLoginFactory _factory = null!;
    private WebApplicationFactory<Program> _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        _factory = new WxLoginFactory(new Dictionary<string, string?> { ["WeChat:PushToken"] = PushToken });
        _app = OrdersSample.Load(_factory);
        _client = _app.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _client.Dispose();
        _app.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task CreateOrder_WithAToken_Answers201_AndTheListShowsItWithTheMemberLevel()
    {
        var token = await LoginAsync("orders-buyer.1");

        var created = await _client.SendJsonAsync(HttpMethod.Post, "/api/orders", token, new { item = "奶茶", amountFen = 1800 });
        var list = await (await _client.SendJsonAsync(HttpMethod.Get, "/api/orders", token, null)).IsOkAsync();

        var body = await created.Content.ReadFromJsonAsync<OrderResponse>();
        Assert.Multiple(() =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/orders/{body!.Id}"));
            Assert.That(body.Item, Is.EqualTo("奶茶"));
            Assert.That(body.AmountFen, Is.EqualTo(1800));
            Assert.That(list.GetProperty("memberLevel").GetInt32(), Is.Zero, "the script's default for users the login inserted");
            Assert.That(list.GetProperty("orders").GetArrayLength(), Is.EqualTo(1));
            Assert.That(list.GetProperty("orders")[0].GetProperty("id").GetInt32(), Is.EqualTo(body.Id));
        });
    }

    [Test]
    public async Task Orders_AreEachUsersOwn()
    {
        var alice = await LoginAsync("orders-alice.1");
        var bob = await LoginAsync("orders-bob.1");
        await CreateOrderAsync(alice, "alice's");

        var bobs = await (await _client.SendJsonAsync(HttpMethod.Get, "/api/orders", bob, null)).IsOkAsync();

        Assert.That(bobs.GetProperty("orders").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task CreateOrder_WithoutAToken_AnswersTokenMissing()
    {
        var response = await _client.SendJsonAsync(HttpMethod.Post, "/api/orders", null, new { item = "tea", amountFen = 1 });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_missing");
    }

    [TestCase("", 100)]
    [TestCase("tea", 0)]
    public async Task CreateOrder_WithABadItemOrAmount_AnswersInvalidRequest(string item, int amountFen)
    {
        var token = await LoginAsync($"orders-bad-{amountFen}.1");

        var response = await _client.SendJsonAsync(HttpMethod.Post, "/api/orders", token, new { item, amountFen });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task DeleteMe_DeletesTheUsersOrders_AndNoOneElses()
    {
        var leaver = await LoginAsync("orders-leaver.1");
        var stayer = await LoginAsync("orders-stayer.1");
        var leaverId = await CreateOrderAsync(leaver, "to be erased");
        var stayerId = await CreateOrderAsync(stayer, "to be kept");

        var response = await _client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", leaver, null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.Multiple(async () =>
        {
            Assert.That(await OrderUserIdsAsync(), Does.Not.Contain(leaverId));
            Assert.That(await OrderUserIdsAsync(), Does.Contain(stayerId));
        });
    }

    [Test]
    public async Task WeChatsCancellationEvent_DeletesTheUsersOrders()
    {
        var login = await _factory.LoginAsync("orders-cancelled.1", _client);
        var userId = await CreateOrderAsync(login.Token, "to be erased");
        var push = WeChatPushBuilder.Build(new WeChatOptions { AppId = WxLoginFactory.AppId, PushToken = PushToken },
            _factory.Clock.GetUtcNow(), WeChatPushService.CancellationEvent, login.User.OpenId, null, WeChatPushFormat.Json);

        var response = await _client.PostAsync(push.PathAndQuery, new StringContent(push.Body, Encoding.UTF8, push.ContentType));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.Multiple(async () =>
        {
            Assert.That(await OrderUserIdsAsync(), Does.Not.Contain(userId));
            Assert.That((await _factory.UserAsync(login.User.OpenId)).Exists, Is.False);
        });
    }

    [Test]
    public async Task DeleteMe_KeepsTheUserAndTheOrders_WhenAnEraserFails()
    {
        // A second eraser that fails after OrdersEraser deleted the rows: one transaction, so nothing is deleted.
        using var factory = new WxLoginFactory();
        using var app = OrdersSample.Load(factory, services => services.AddScoped<IAccountDataEraser, FailingEraser>());
        using var client = app.CreateClient();
        var login = await factory.LoginAsync("orders-rollback.1", client);
        (await client.SendJsonAsync(HttpMethod.Post, "/api/orders", login.Token, new { item = "kept", amountFen = 1 })).EnsureSuccessStatusCode();

        var response = await client.SendJsonAsync(HttpMethod.Delete, "/api/user/me", login.Token, null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        var orders = await (await client.SendJsonAsync(HttpMethod.Get, "/api/orders", login.Token, null)).IsOkAsync();
        Assert.That(orders.GetProperty("orders").GetArrayLength(), Is.EqualTo(1));
    }

    private sealed class FailingEraser : IAccountDataEraser
    {
        public Task EraseAsync(AppDbContext db, int userId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("eraser failed on purpose");
    }

    private async Task<string> LoginAsync(string code) => (await _factory.LoginAsync(code, _client)).Token;

    /// <summary>Places an order and returns the buyer's user id.</summary>
    private async Task<int> CreateOrderAsync(string token, string item)
    {
        (await _client.SendJsonAsync(HttpMethod.Post, "/api/orders", token, new { item, amountFen = 100 })).EnsureSuccessStatusCode();
        var me = await (await _client.GetMeAsync(token)).IsOkAsync();
        return me.GetProperty("id").GetInt32();
    }

    private async Task<List<int>> OrderUserIdsAsync()
    {
        await using var connection = new SqliteConnection(_factory.ConnectionString);
        return (await connection.QueryAsync<int>("SELECT UserId FROM Orders")).ToList();
    }
}
