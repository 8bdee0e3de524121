using WxLogin.Web.Errors;
using WxLogin.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddWxLoginOptions();
builder.AddWxLoginDatabase();
builder.AddWeChat();
builder.AddWxLoginForwardedHeaders();
builder.AddWxLoginServices();
builder.AddWxLoginAccountLifecycle();
builder.AddWxLoginApi();
builder.AddWxLoginErrors();
builder.AddWxLoginAbuseLimits();
builder.AddWxLoginTelemetry();

var app = builder.Build();

if (!await app.CheckSettingsAsync())
{
    return 1;
}
if (!await app.MigrateDatabaseAsync())
{
    return 1;
}
app.UseWxLoginPipeline();
app.LogStartupSummary();

return app.RunOrExplainAddressInUse();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
