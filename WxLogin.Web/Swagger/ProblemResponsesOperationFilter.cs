using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using WxLogin.Web.Errors;
using WxLogin.Web.Filters;

namespace WxLogin.Web.Swagger;

/// <summary>
/// Lists every error status an action can answer in Swagger UI, each with the <see cref="ApiProblem"/>
/// schema and the codes it can carry: the action's own [ProducesProblem] attributes, plus what the
/// pipeline adds to every action of a kind ([CheckToken], a rate limit, a request body, the database).
/// </summary>
public sealed class ProblemResponsesOperationFilter : IOperationFilter
{
    private const string ProblemJson = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var codes = new SortedDictionary<int, List<string>>();
        void Add(int status, params IEnumerable<string> more)
        {
            var list = codes.TryGetValue(status, out var known) ? known : codes[status] = [];
            list.AddRange(more.Where(code => !list.Contains(code)));
        }

        var action = context.ApiDescription.ActionDescriptor;
        foreach (var problem in action.EndpointMetadata.OfType<ProducesProblemAttribute>())
        {
            Add(problem.Status, problem.Codes);
        }
        if (action.FilterDescriptors.Any(filter => filter.Filter is CheckTokenAttribute))
        {
            Add(StatusCodes.Status401Unauthorized, ErrorCodes.TokenMissing, ErrorCodes.TokenInvalid, ErrorCodes.TokenReplaced);
        }
        if (action.EndpointMetadata.OfType<LimitRejectedCodesAttribute>().Any())
        {
            Add(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited);
        }
        if (context.ApiDescription.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Body))
        {
            Add(StatusCodes.Status408RequestTimeout, ErrorCodes.RequestTimeout);
            Add(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge);
            Add(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType);
        }
        Add(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError);
        Add(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable);

        var schema = context.SchemaGenerator.GenerateSchema(typeof(ApiProblem), context.SchemaRepository);
        var responses = (operation.Responses ?? [])
            .Where(response => !int.TryParse(response.Key, out var status) || !codes.ContainsKey(status))
            .ToDictionary();
        foreach (var (status, statusCodes) in codes)
        {
            responses[status.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = $"{ReasonPhrases.GetReasonPhrase(status)}. code: {string.Join(", ", statusCodes.Select(code => $"`{code}`"))}",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new() { Schema = schema, Example = Example(status, statusCodes[0]) },
                },
            };
        }
        operation.Responses = new OpenApiResponses();
        foreach (var (status, response) in responses.OrderBy(response => response.Key, StringComparer.Ordinal))
        {
            operation.Responses[status] = response;
        }
    }

    /// <summary>What such an answer looks like, with the status's first code: type and title as <see cref="Problems"/> writes them.</summary>
    private static JsonObject Example(int status, string code)
    {
        var example = new JsonObject
        {
            ["type"] = Problems.TypeFor(status),
            ["title"] = Problems.TitleFor(status),
            ["status"] = status,
            ["detail"] = "What went wrong and what to do about it.",
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            ["code"] = code,
        };
        if (code == ErrorCodes.WxError)
        {
            example["errcode"] = 61234;
        }
        return example;
    }
}
