// What GET /api/user/me would cost with no token check and no database: the ceiling for WxLogin.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var createdAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
app.MapGet("/api/user/me", () => Results.Json(new Me(1, "o0123456789ABCDEF0123456789A", null, null, null, null, createdAt),
    MeJson.Default.Me));

app.Run();

public sealed record Me(int Id, string OpenId, string? UnionId, string? Nickname, string? AvatarUrl, string? PhoneNumber, DateTimeOffset CreatedAt);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Me))]
public sealed partial class MeJson : System.Text.Json.Serialization.JsonSerializerContext;
