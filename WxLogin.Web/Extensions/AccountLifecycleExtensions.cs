using Microsoft.Extensions.Options;
using WxLogin.Web.Options;
using WxLogin.Web.Services;
using WxLogin.Web.Services.WeChat;

namespace WxLogin.Web.Extensions;

/// <summary>Account deletion and WeChat's message push.</summary>
public static class AccountLifecycleExtensions
{
    public static void AddWxLoginAccountLifecycle(this WebApplicationBuilder builder)
    {
        // Runs beside WeChatOptionsValidator: the shape of PushToken and EncodingAESKey, at start.
        builder.Services.AddSingleton<IValidateOptions<WeChatOptions>, WeChatPushOptionsValidator>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddScoped<WeChatPushService>();
    }
}
