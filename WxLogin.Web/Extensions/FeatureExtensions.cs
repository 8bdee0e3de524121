using System.Reflection;
using Microsoft.EntityFrameworkCore;
using WxLogin.Web.Data;

namespace WxLogin.Web.Extensions;

/// <summary>A feature kept in an assembly of its own (docs/extending.md); one inside WxLogin.Web needs none of this.</summary>
public static class FeatureExtensions
{
    /// <summary>The assembly's controllers, entity configurations and embedded database scripts join WxLogin's.</summary>
    public static IServiceCollection AddWxLoginFeature(this IServiceCollection services, Assembly assembly)
    {
        services.AddMvcCore().AddApplicationPart(assembly);
        services.ConfigureDbContext<AppDbContext>(options => options.AddFeatureModel(assembly));
        services.AddSingleton(new FeatureAssembly(assembly));
        return services;
    }
}
