using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Errors;
using WxLogin.Web.Filters;

namespace WxLogin.Tests.Samples.Orders;

/// <summary>The current user's orders.</summary>
[ApiController]
[Route("api/orders")]
public sealed class OrdersController : ControllerBase
{
    /// <summary>Places an order for the current user.</summary>
    [CheckToken]
    [HttpPost]
    [ProducesResponseType<OrderResponse>(StatusCodes.Status201Created, "application/json")]
    [ProducesProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest)]
    public async Task<CreatedResult> Create(
        [FromBody] CreateOrderRequest request,
        [FromServices] AppDbContext db,
        [FromServices] TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Item) || request.Item.Length > Order.ItemMaxLength || request.AmountFen <= 0)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                $"item must be 1 to {Order.ItemMaxLength} characters and amountFen more than 0.");
        }
        var order = new Order
        {
            UserId = HttpContext.GetCurrentUser().Id,
            Item = request.Item,
            AmountFen = request.AmountFen,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        return Created($"/api/orders/{order.Id}", OrderResponse.From(order));
    }

    /// <summary>The current user's member level and orders, newest first.</summary>
    [CheckToken]
    [HttpGet]
    [ProducesResponseType<OrderListResponse>(StatusCodes.Status200OK, "application/json")]
    public async Task<OrderListResponse> List([FromServices] AppDbContext db, CancellationToken cancellationToken)
    {
        var userId = HttpContext.GetCurrentUser().Id;
        var memberLevel = await db.Users.Where(u => u.Id == userId)
            .Select(u => EF.Property<int>(u, UserMemberLevelConfiguration.MemberLevel))
            .SingleAsync(cancellationToken);
        var orders = await db.Set<Order>().Where(o => o.UserId == userId).OrderByDescending(o => o.Id).ToListAsync(cancellationToken);
        return new OrderListResponse(memberLevel, orders.Select(OrderResponse.From).ToList());
    }
}
