// The mini-program half of WxLogin: log in once, send the token with every request, log in again
// once when the server says the token is gone. Plain CommonJS over wx's callback APIs, so it runs
// in the mini-program as is (no build step) and under Node in the tests with a fake `wx`.
const config = require('../config.js');
const messages = require('./messages.js');

const TOKEN_KEY = 'wxlogin.token';

// The 401 codes that mean "log in again"; any other 401 reaches the caller as is.
const TOKEN_ERRORS = ['token_missing', 'token_invalid'];

// A newer login of the same user (another phone, PC or Mac WeChat) replaced this device's token: the
// server keeps one token per user. Not re-logged silently, or two devices would log each other out
// unseen: onReplaced decides.
const TOKEN_REPLACED = 'token_replaced';

// The decision about a replaced token in progress, keyed by that token, so concurrent requests
// that all got token_replaced ask the hook once.
let replacedInFlight = null;

/**
 * The default onReplaced: log in again once (this device becomes the logged-in one) and say why in a
 * toast, since the other device's token is now the replaced one.
 */
function defaultOnReplaced(error) {
  wx.showToast({ title: messages.messageFor(error), icon: 'none', duration: 3000 });
  return true;
}

let onReplaced = defaultOnReplaced;

// The login in progress, shared by every caller until it settles (single flight). Two pages
// logging in at once would otherwise call wx.login twice, which can rotate session_key, and
// the second login would replace the first one's token on the server.
let loginInFlight = null;

/** An Error carrying the server's problem code, its detail and the HTTP status (0: no answer). */
function createError(code, detail, status, data) {
  const error = new Error(detail ? code + ': ' + detail : code);
  error.code = code;
  error.detail = detail || '';
  error.status = status || 0;
  error.statusCode = error.status;
  error.data = data;
  return error;
}

function toUrl(path) {
  return /^https?:\/\//.test(path) ? path : config.baseUrl.replace(/\/+$/, '') + path;
}

function isOk(res) {
  return res.statusCode >= 200 && res.statusCode < 300;
}

function isTokenError(res) {
  return res.statusCode === 401 && !!res.data && TOKEN_ERRORS.indexOf(res.data.code) >= 0;
}

function isReplaced(res) {
  return res.statusCode === 401 && !!res.data && res.data.code === TOKEN_REPLACED;
}

/**
 * WeChat's language setting as an Accept-Language value (zh_CN → zh-CN, en → en), so the server's
 * error details come in the user's language; '' when the base library tells none.
 */
function acceptLanguage() {
  try {
    const info = typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
    return info && info.language ? String(info.language).replace(/_/g, '-') : '';
  } catch (e) {
    return '';
  }
}

/** A non-2xx answer as an Error; the server's problem+json gives the code and detail. */
function toError(res) {
  const body = res.data && typeof res.data === 'object' ? res.data : {};
  return createError(body.code || 'http_' + res.statusCode, body.detail || body.title || '', res.statusCode, res.data);
}

/** wx.request as a promise: resolves with every HTTP answer, rejects only when none came. */
function send(options) {
  const language = acceptLanguage();
  const header = Object.assign(language ? { 'Accept-Language': language } : {}, options.header);
  return new Promise((resolve, reject) => {
    wx.request(Object.assign({}, options, {
      url: toUrl(options.url),
      method: options.method || 'GET',
      header: header,
      success: resolve,
      fail: (res) => reject(createError('network_error', (res && res.errMsg) || 'request failed', 0))
    }));
  });
}

function withToken(options, token) {
  return Object.assign({}, options, {
    header: Object.assign({}, options.header, { Authorization: 'Bearer ' + token })
  });
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => res.code
        ? resolve(res.code)
        : reject(createError('wx_login_failed', res.errMsg || 'wx.login gave no code', 0)),
      fail: (res) => reject(createError('wx_login_failed', (res && res.errMsg) || 'wx.login failed', 0))
    });
  });
}

/** The stored token, or '' when there is none. */
function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || '';
}

/**
 * wx.login → POST /api/user/login → token stored. Resolves with the server's
 * {token, expiresAt, user}. Callers arriving while a login runs get that same login.
 */
function login() {
  if (!loginInFlight) {
    const settled = () => { loginInFlight = null; };
    loginInFlight = wxLoginCode()
      .then((code) => send({
        url: '/api/user/login',
        method: 'POST',
        header: { 'content-type': 'application/json' },
        data: { code: code }
      }))
      .then((res) => {
        if (!isOk(res)) {
          throw toError(res);
        }
        if (!res.data || typeof res.data.token !== 'string') {
          throw createError('invalid_response', 'The login answer carried no token.', res.statusCode, res.data);
        }
        // Only the token is kept: the server judges expiry, and a device clock may be wrong.
        wx.setStorageSync(TOKEN_KEY, res.data.token);
        return res.data;
      });
    // Registered first, so the slot is free before any caller's own handlers run.
    loginInFlight.then(settled, settled);
  }
  return loginInFlight;
}

function currentToken() {
  if (loginInFlight) {
    return loginInFlight.then((result) => result.token);
  }
  const token = getToken();
  return token ? Promise.resolve(token) : login().then((result) => result.token);
}

/** The token to retry with after `failedToken` got a 401: log in again only if nobody else has. */
function tokenAfter401(failedToken) {
  if (loginInFlight) {
    return loginInFlight.then((result) => result.token);
  }
  const token = getToken();
  if (token && token !== failedToken) {
    return Promise.resolve(token);
  }
  wx.removeStorageSync(TOKEN_KEY);
  return login().then((result) => result.token);
}

/**
 * The token to retry with after `failedToken` got 401 token_replaced, or a rejection with that error
 * when onReplaced says not to log in again (the token is then forgotten: it will not work again).
 */
function tokenAfterReplaced(failedToken, res) {
  const token = getToken();
  if (loginInFlight || (token && token !== failedToken)) {
    return tokenAfter401(failedToken); // another request already dealt with it
  }
  if (!replacedInFlight || replacedInFlight.token !== failedToken) {
    const error = toError(res);
    const decision = Promise.resolve()
      .then(() => onReplaced(error))
      .then((again) => {
        if (!again) {
          if (getToken() === failedToken) {
            wx.removeStorageSync(TOKEN_KEY);
          }
          throw error;
        }
        return tokenAfter401(failedToken);
      });
    replacedInFlight = { token: failedToken, decision: decision };
    const settled = () => {
      if (replacedInFlight && replacedInFlight.decision === decision) {
        replacedInFlight = null;
      }
    };
    decision.then(settled, settled);
  }
  return replacedInFlight.decision;
}

/**
 * wx.request with `Authorization: Bearer <token>` and `Accept-Language`, logging in first when there
 * is no token. On 401 token_missing / token_invalid it logs in again and retries once; on 401
 * token_replaced it asks onReplaced first (see setOnReplaced); a second 401 rejects.
 * `url` is a path under config.baseUrl (or a full URL). Resolves with the response body;
 * rejects with an Error carrying `code`, `detail`, `status` (`network_error` when no answer came).
 */
function request(options) {
  let token;
  return currentToken()
    .then((value) => {
      token = value;
      return send(withToken(options, token));
    })
    .then((res) => {
      if (isTokenError(res)) {
        return tokenAfter401(token).then((fresh) => send(withToken(options, fresh)));
      }
      if (isReplaced(res)) {
        return tokenAfterReplaced(token, res).then((fresh) => send(withToken(options, fresh)));
      }
      return res;
    })
    .then((res) => {
      if (!isOk(res)) {
        throw toError(res);
      }
      return res.data;
    });
}

/** Revokes the token on the server and forgets it here. A token the server already refused counts as logged out. */
function logout() {
  const token = getToken();
  wx.removeStorageSync(TOKEN_KEY);
  if (!token) {
    return Promise.resolve();
  }
  return send({ url: '/api/user/logout', method: 'POST', header: { Authorization: 'Bearer ' + token } })
    .then((res) => {
      if (!isOk(res) && res.statusCode !== 401) {
        throw toError(res);
      }
    });
}

/**
 * Deletes the account on the server (DELETE /api/user/me: the user's row and everything on it) and
 * forgets the token here. Like request(), it logs in first when there is no token, and once more when
 * the stored token is refused: deleting needs to know who. On failure the token is kept, so the user
 * can retry. Ask the user first (wx.showModal): this cannot be undone; a later login starts a new account.
 */
function deleteAccount() {
  return request({ url: '/api/user/me', method: 'DELETE' })
    .then(() => {
      wx.removeStorageSync(TOKEN_KEY);
    });
}

/**
 * The handler for <button open-type="getPhoneNumber">: sends the button's `code` to
 * POST /api/user/phone, or `encryptedData` + `iv` on base libraries that give no code.
 * Resolves with {phoneNumber, purePhoneNumber, countryCode}. The encryptedData was sealed with
 * the session_key of the last login, so a new wx.login before this call (no token yet, or a
 * 401 retry) makes it undecryptable: log in before showing the button.
 */
function bindPhone(e) {
  const detail = (e && e.detail) || {};
  let data;
  if (detail.code) {
    data = { code: detail.code };
  } else if (detail.encryptedData && detail.iv) {
    data = { encryptedData: detail.encryptedData, iv: detail.iv };
  } else {
    return Promise.reject(createError('phone_denied', detail.errMsg || 'getPhoneNumber gave no code and no encryptedData', 0));
  }
  return request({
    url: '/api/user/phone',
    method: 'POST',
    header: { 'content-type': 'application/json' },
    data: data
  });
}

/**
 * Sets what happens when the server answers 401 token_replaced (a newer login of this user on another
 * device replaced the token). `hook(error)` returns true, or a promise of true, to log in again and
 * retry the request once (the other device is then the one replaced), or false to stop: the request
 * rejects with the error, whose code is 'token_replaced', and the token is forgotten. Concurrent
 * requests ask once. The default logs in again and shows 「您的账号已在其他设备登录」 in a toast;
 * pass null to restore it.
 */
function setOnReplaced(hook) {
  onReplaced = hook || defaultOnReplaced;
}

module.exports = {
  login: login,
  setOnReplaced: setOnReplaced,
  request: request,
  logout: logout,
  bindPhone: bindPhone,
  deleteAccount: deleteAccount,
  getToken: getToken
};
