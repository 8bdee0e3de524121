using Microsoft.AspNetCore.Mvc.Filters;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Errors;

/// <summary>
/// The one place that turns expected failures into HTTP: our <see cref="ApiException"/> as it is,
/// a <see cref="WeChatException"/> through <see cref="WeChatErrorMap"/>. Anything else falls through
/// to <see cref="UnexpectedExceptionHandler"/>.
/// </summary>
public sealed class ApiExceptionFilter : IExceptionFilter
{
    public void OnException(ExceptionContext context)
    {
        var error = context.Exception switch
        {
            ApiException api => api,
            WeChatException wechat => WeChatErrorMap.ToApiException(wechat),
            _ => null,
        };
        if (error is not null)
        {
            context.Result = Problems.Result(context.HttpContext, error);
            context.ExceptionHandled = true;
        }
    }
}
