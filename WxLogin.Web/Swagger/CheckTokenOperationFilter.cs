using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using WxLogin.Web.Filters;

namespace WxLogin.Web.Swagger;

/// <summary>Shows Swagger UI's lock (the Authorize button's token) on the [CheckToken] actions only.</summary>
public sealed class CheckTokenOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var protectedAction = context.ApiDescription.ActionDescriptor.FilterDescriptors
            .Any(filter => filter.Filter is CheckTokenAttribute);
        if (protectedAction)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [],
            });
        }
    }
}
