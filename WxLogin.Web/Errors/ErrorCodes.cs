namespace WxLogin.Web.Errors;

/// <summary>The stable values of the "code" field of every error body. Clients switch on these.</summary>
public static class ErrorCodes
{
    public const string CodeMissing = "code_missing";
    public const string InvalidRequest = "invalid_request";
    public const string SessionKeyStale = "session_key_stale";
    public const string WatermarkMismatch = "watermark_mismatch";
    public const string CodeInvalid = "code_invalid";
    public const string CodeUsed = "code_used";
    public const string WxRateLimited = "wx_rate_limited";
    public const string WxUserBlocked = "wx_user_blocked";
    public const string WxUnavailable = "wx_unavailable";
    public const string WxMisconfigured = "wx_misconfigured";
    public const string WxError = "wx_error";
    public const string TokenMissing = "token_missing";
    public const string TokenInvalid = "token_invalid";
    public const string TokenReplaced = "token_replaced";
    public const string RateLimited = "rate_limited";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RequestTimeout = "request_timeout";
    public const string OpenIdMismatch = "openid_mismatch";
    public const string InternalError = "internal_error";
    public const string StorageUnavailable = "storage_unavailable";
    public const string SignatureInvalid = "signature_invalid";
}
