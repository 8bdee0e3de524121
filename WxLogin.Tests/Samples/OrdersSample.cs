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
    public static WebApplicationFactory<Program> Load(WxLoginFactory factory, Action<IServiceCollection>? alsoConfigure = null) =>
        factory.WithWebHostBuilder(host => host.ConfigureServices(services =>
        {
            services.AddWxLoginFeature(typeof(Order).Assembly);
            services.AddOrders();
            alsoConfigure?.Invoke(services);
        }));
}
