using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using WxLogin.Web.Emulator;
using WxLogin.Web.Errors;
using WxLogin.Web.Extensions;
using WxLogin.Web.Filters;
using WxLogin.Web.Models;

namespace WxLogin.Web.Swagger;

/// <summary>
/// Swagger UI, the manual-testing tool (outside Production): one title, a page that says how to log in
/// and authorize, every error status with its codes, and examples that work when executed.
/// </summary>
public static class SwaggerExtensions
{
    public const string Title = "WxLogin";

    private const string Description = """
        The login backend for WeChat mini-programs. Every error is `application/problem+json` with a stable
        `code` and a `traceId`; each operation lists the statuses it can answer and the codes each carries.

        **Try it** (Development, where `WeChat:Mode` is `Emulator`: an in-process stand-in for WeChat answers):

        1. `POST /api/user/login` → **Try it out** → **Execute** with `{"code": "alice.1"}`. The emulator
           accepts any code; the part before the first `.` names the user, so `alice.1` and `alice.2` are
           the same user. A code is single use: a second login with it answers `400 code_used` for
           5 minutes (as WeChat's codes expire), so change the number for the next login (`alice.2`, …).
           `wx-<errcode>` codes make WeChat fail on purpose: `wx-40029` → `code_invalid`,
           `wx-45011` → `wx_rate_limited`, `wx-40226` → `wx_user_blocked`, `wx-timeout` → `wx_unavailable`.
        2. Copy `token` from the answer, press **Authorize** and paste the raw token: without `Bearer `,
           which Swagger UI adds itself (`Bearer Bearer …` answers `401 token_invalid`).
        3. `GET /api/user/me` → **Execute**: `200` and your user.
        4. Phone number: `POST /api/user/phone` with `{"code": "alice-phone.1"}`, or run `POST /api/dev/encrypt`
           and paste its answer (`{"encryptedData", "iv"}`) into `POST /api/user/phone`.
        """;

    public static void AddWxLoginSwagger(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo { Title = Title, Version = AppVersion.Current, Description = Description });
            swagger.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The raw token from POST /api/user/login, without \"Bearer \": Swagger UI adds it.",
            });
            // The User group first, the Development helpers last; each in the order of its source.
            swagger.SupportNonNullableReferenceTypes();
            swagger.OrderActionsBy(api => IsDevelopmentOnly(api.ActionDescriptor) ? "1" : "0");
            swagger.OperationFilter<CheckTokenOperationFilter>();
            swagger.OperationFilter<ProblemResponsesOperationFilter>();
            swagger.SchemaFilter<ExamplesSchemaFilter>();
            swagger.IncludeXmlComments(typeof(SwaggerExtensions).Assembly);
        });
    }

    /// <summary>Swagger UI at /swagger, and / leads there; not in Production.</summary>
    public static void UseWxLoginSwagger(this WebApplication app)
    {
        if (app.Environment.IsProduction())
        {
            return;
        }
        app.UseSwagger();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("v1/swagger.json", Title);
            ui.DocumentTitle = Title;
        });
        app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
    }

    private static bool IsDevelopmentOnly(Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor action) =>
        action is ControllerActionDescriptor controller
        && controller.ControllerTypeInfo.IsDefined(typeof(DevelopmentOnlyAttribute), inherit: false);
}

/// <summary>Examples that work when Swagger UI executes them (the emulator's codes, an https avatar).</summary>
public sealed class ExamplesSchemaFilter : ISchemaFilter
{
    private const string Avatar = "https://thirdwx.qlogo.cn/mmopen/vi_32/alice/132";

    private const string User = $$"""
        {"id": 1, "openId": "oQ3tLyX0cT2u5xW8zA1bD4eG7hJ", "unionId": null, "nickname": "Alice", "avatarUrl": "{{Avatar}}",
         "phoneNumber": "13912345678", "createdAt": "2026-11-23T09:00:00+00:00"}
        """;

    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(LoginRequest)] = """{"code": "alice.1"}""",
        [typeof(LoginResponse)] = $$"""{"token": "q1Y2c3RhcnQtaGVyZS10aGlzLWlzLWFuLWV4YW1wbGU", "expiresAt": "2026-11-30T09:00:00+00:00", "user": {{User}}}""",
        [typeof(UserResponse)] = User,
        [typeof(PhoneRequest)] = """{"code": "alice-phone.1"}""",
        [typeof(PhoneResponse)] = """{"phoneNumber": "13912345678", "purePhoneNumber": "13912345678", "countryCode": "86"}""",
        [typeof(UserInfoRequest)] = """{"encryptedData": "(the encryptedData from POST /api/dev/encrypt)", "iv": "(its iv)"}""",
        [typeof(ProfileRequest)] = $$"""{"nickname": "Alice", "avatarUrl": "{{Avatar}}"}""",
        [typeof(DevEncryptRequest)] = """{"phoneNumber": "13912345678", "purePhoneNumber": "13912345678", "countryCode": "86"}""",
        [typeof(DevWeChatPushRequest)] = """{"event": "user_authorization_revoke", "openId": "oAlice", "revokeInfo": "8", "format": "json", "deliver": true}""",
        [typeof(DevEncryptResponse)] = """{"encryptedData": "o7Vn3vC0Y0tFqkXJ3VYd7aZ1tq4Hq9pBvU1nqjvYcT0=", "iv": "r7BXXKkLb8qrSNn05n0qiA=="}""",
        [typeof(ApiProblem)] = """
            {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "Bad Request", "status": 400,
             "detail": "The code was already used (codes are single use). Call wx.login again.",
             "traceId": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "code": "code_used"}
            """,
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type, out var example))
        {
            concrete.Examples = [JsonNode.Parse(example)!];
        }
    }
}
