namespace WxLogin.Tests.Samples.Orders;

/// <summary>One order of one user. Table Orders (database/*/9000_create_orders.sql).</summary>
public sealed class Order
{
    public const int ItemMaxLength = 64;

    public int Id { get; set; }

    /// <summary>Users.Id of the buyer; OrdersEraser deletes the rows when the account ends.</summary>
    public int UserId { get; set; }

    public string Item { get; set; } = "";

    /// <summary>The price in fen (分), so no rounding ever.</summary>
    public int AmountFen { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed record CreateOrderRequest(string? Item, int AmountFen);

public sealed record OrderResponse(int Id, string Item, int AmountFen, DateTimeOffset CreatedAt)
{
    public static OrderResponse From(Order order) =>
        new(order.Id, order.Item, order.AmountFen, new DateTimeOffset(order.CreatedAt, TimeSpan.Zero));
}

public sealed record OrderListResponse(int MemberLevel, IReadOnlyList<OrderResponse> Orders);
