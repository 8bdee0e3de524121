using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace WxLogin.Web.Filters;

/// <summary>Marks a controller that exists only in the Development environment (and Testing, for the tests).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DevelopmentOnlyAttribute : Attribute;

/// <summary>Removes [DevelopmentOnly] controllers elsewhere, so their routes answer 404 and Swagger does not list them.</summary>
public sealed class DevelopmentOnlyConvention(IHostEnvironment environment) : IApplicationModelConvention
{
    /// <summary>The environment WxLogin.Tests runs the app in.</summary>
    public const string TestingEnvironment = "Testing";

    public void Apply(ApplicationModel application)
    {
        if (environment.IsDevelopment() || environment.IsEnvironment(TestingEnvironment))
        {
            return;
        }
        var developmentOnly = application.Controllers
            .Where(controller => controller.Attributes.OfType<DevelopmentOnlyAttribute>().Any())
            .ToList();
        foreach (var controller in developmentOnly)
        {
            application.Controllers.Remove(controller);
        }
    }
}
