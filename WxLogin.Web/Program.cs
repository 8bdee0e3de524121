using WxLogin.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddWxLoginOptions();
builder.AddWxLoginDatabase();
builder.AddWeChat();
builder.AddWxLoginForwardedHeaders();
builder.AddWxLoginServices();
builder.AddWxLoginApi();
builder.AddWxLoginTelemetry();

var app = builder.Build();

await app.MigrateDatabaseAsync();
app.UseWxLoginPipeline();
app.LogStartupSummary();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
