using Microsoft.Extensions.DependencyInjection;
using WxLogin.Web.Services;

namespace WxLogin.Tests.Samples.Orders;

/// <summary>The services of the Orders feature: one line in Program.cs, builder.Services.AddOrders().</summary>
public static class OrdersFeature
{
    public static IServiceCollection AddOrders(this IServiceCollection services) =>
        services.AddScoped<IAccountDataEraser, OrdersEraser>();
}
