// What to tell the user for each error code (docs/client.md has the same table): Chinese, short, and
// saying what to do. Codes come from the server's problem+json (docs/errors.md) or from auth.js itself.
const MESSAGES = {
  network_error: '网络连接失败，请检查网络后重试',
  wx_login_failed: '微信登录失败，请重试',
  invalid_response: '服务器返回异常，请稍后重试',
  phone_denied: '未授权手机号，可稍后在设置中重新授权',
  code_missing: '登录失败，请重试',
  code_invalid: '登录已过期，请重新登录',
  code_used: '登录已过期，请重新登录',
  token_missing: '请先登录',
  token_invalid: '登录已失效，请重新登录',
  token_replaced: '您的账号已在其他设备登录',
  session_key_stale: '登录状态已过期，请重新登录后再试',
  watermark_mismatch: '数据校验失败，请重新登录后再试',
  openid_mismatch: '数据与当前账号不符，请重新登录后再试',
  invalid_request: '提交的信息有误，请检查后重试',
  payload_too_large: '提交的内容太大，请精简后重试',
  request_timeout: '网络太慢，请求超时，请重试',
  unsupported_media_type: '请求格式有误，请更新小程序后重试',
  not_found: '请求的功能不存在，请更新小程序后重试',
  method_not_allowed: '请求的功能不存在，请更新小程序后重试',
  rate_limited: '操作太频繁，请稍后再试',
  wx_rate_limited: '操作太频繁，请稍后再试',
  wx_user_blocked: '微信判定当前账号存在风险，暂时无法登录',
  wx_unavailable: '微信服务繁忙，请稍后再试',
  wx_error: '微信服务出错，请稍后再试',
  wx_misconfigured: '服务配置有误，请联系客服',
  storage_unavailable: '服务繁忙，请稍后再试',
  internal_error: '服务出错了，请稍后再试'
};

const FALLBACK = '出错了，请稍后再试';

/** The message for an error (or a bare code) that auth.js rejected with. */
function messageFor(errorOrCode) {
  const code = typeof errorOrCode === 'string' ? errorOrCode : (errorOrCode && errorOrCode.code);
  return Object.prototype.hasOwnProperty.call(MESSAGES, code) ? MESSAGES[code] : FALLBACK;
}

module.exports = { MESSAGES: MESSAGES, FALLBACK: FALLBACK, messageFor: messageFor };
