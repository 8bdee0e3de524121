using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Samples.Orders;

/// <summary>A user's orders go with the account: DELETE /api/user/me and WeChat's cancellation event.</summary>
public sealed class OrdersEraser : IAccountDataEraser
{
    public Task EraseAsync(AppDbContext db, int userId, CancellationToken cancellationToken) =>
        db.Set<Order>().Where(o => o.UserId == userId).ExecuteDeleteAsync(cancellationToken);
}
