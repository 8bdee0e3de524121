using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace WxLogin.Web.Errors;

/// <summary>Every error answer in one registration: the problem shape and the exception handlers, in order.</summary>
public static class ErrorHandlingExtensions
{
    public static void AddWxLoginErrors(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.AddDefaults);
        builder.Services.AddLocalization(localization => localization.ResourcesPath = "Resources");
        builder.Services.AddSingleton<ProblemTexts>();
        // PostConfigure: AddControllers sets its own factory, whichever registration runs first.
        builder.Services.PostConfigure<ApiBehaviorOptions>(api => api.InvalidModelStateResponseFactory = context =>
            Problems.Result(context.HttpContext, new ApiException(
                StatusCodes.Status400BadRequest,
                ErrorCodes.InvalidRequest,
                "The request body is not valid JSON of the expected shape.")));

        // The exception handler middleware asks these in the order they are added; the first to take an
        // exception answers it.
        // 1. A client that hung up, whatever was thrown: no answer, no error.
        builder.Services.AddExceptionHandler<AbortedRequestHandler>();
        // 2. A database that cannot serve: 503 storage_unavailable, before anything reads it as a bug.
        builder.Services.AddExceptionHandler<StorageFaultHandler>();
        // 3. The map: what the client can act on (our refusals, WeChat's answers, bad bodies) with its code.
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // 4. Everything else is ours: logged with its stack trace, answered 500 internal_error.
        builder.Services.AddExceptionHandler<UnexpectedExceptionHandler>();
    }

    /// <summary>
    /// The request's language first, so every error written below it (by a handler, the status-code pages
    /// or MVC) is in that language; then the exception handler and the bodies for bare statuses (404, 405).
    /// </summary>
    public static void UseWxLoginErrors(this WebApplication app)
    {
        app.UseRequestLocalization(localization =>
        {
            // Chinese for zh, zh-CN and zh-Hans; English for anything else (no parent fallback: zh-TW is not zh-Hans).
            // Only the texts change: numbers and dates stay invariant whatever the client asks.
            localization.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("en"));
            localization.SupportedCultures = [CultureInfo.InvariantCulture];
            localization.SupportedUICultures = [.. new[] { "en", "zh", "zh-CN", "zh-Hans" }.Select(CultureInfo.GetCultureInfo)];
            localization.FallBackToParentUICultures = false;
            localization.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }
}
