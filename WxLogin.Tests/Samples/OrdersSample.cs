using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WxLogin.Tests.Infrastructure;
using WxLogin.Tests.Samples.Orders;
using WxLogin.Web.Extensions;

namespace WxLogin.Tests.Samples;

/// <summary>
/// The app with the Orders sample of docs/extending.md loaded, as a team that copied it into WxLogin.Web
/// would run it. The sample lives in this test assembly, so AddWxLoginFeature brings in its controller,
/// entities and scripts; in WxLogin.Web they are found without it.
/// </summary>
internal static class OrdersSample
{
    public static WebApplicationFactory<Program> Load(WxLoginFactory factory, Action<IServiceCollection>? alsoConfigure = null)
    {
        StepAsideIfTaken();
        return factory.WithWebHostBuilder(host => host.ConfigureServices(services =>
        {
            services.AddWxLoginFeature(typeof(Order).Assembly);
            services.AddOrders();
            alsoConfigure?.Invoke(services);
        }));
    }

    /// <summary>
    /// A team that copied the sample into WxLogin.Web as it is took its route, table and column: loaded twice
    /// they would clash, so the sample's tests are ignored rather than failed.
    /// </summary>
    public static void StepAsideIfTaken()
    {
        if (typeof(Program).Assembly.GetTypes().Any(type => type.Name is nameof(Order) or nameof(OrdersController)))
        {
            Assert.Ignore("WxLogin.Web has an Orders feature of its own with the sample's names; the sample's tests step aside.");
        }
    }
}
