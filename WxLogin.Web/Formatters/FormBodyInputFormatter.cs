using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Extensions.Options;

namespace WxLogin.Web.Formatters;

/// <summary>
/// Lets a [FromBody] model arrive as application/x-www-form-urlencoded too, as older mini-program
/// clients send it (wx.request with that header). Fields map to properties by name, like JSON.
/// </summary>
public sealed class FormBodyInputFormatter : InputFormatter
{
    public FormBodyInputFormatter()
    {
        SupportedMediaTypes.Add("application/x-www-form-urlencoded");
    }

    public override async Task<InputFormatterResult> ReadRequestBodyAsync(InputFormatterContext context)
    {
        var http = context.HttpContext;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var fields = new JsonObject();
        foreach (var (name, value) in form)
        {
            fields[name] = value.ToString();
        }
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
        return await InputFormatterResult.SuccessAsync(fields.Deserialize(context.ModelType, json));
    }
}
