// A stand-in for the `wx` global: storage in a Map, wx.login handing out codes the test
// chooses, and wx.request doing real HTTP with fetch, answered in wx.request's callback shape.

/**
 * @param {object} options
 * @param {string} options.user   emulator user name; wx.login returns `${user}.1`, `${user}.2`, …
 * @param {string[]} [options.codes]  codes wx.login returns first, in order (e.g. 'wx--1')
 * @param {boolean} [options.confirmModal]  what the user taps in wx.showModal: true confirm, false cancel (default)
 * @param {(request: object, response: object) => Promise<void>} [options.beforeSuccess]
 *   runs after an answer arrived and before wx.request's success callback
 * @param {(request: object) => object|undefined} [options.answer]
 *   answers a request itself ({statusCode, data}) instead of the server, e.g. a 401 token_replaced;
 *   undefined lets the request through
 * @param {string|null} [options.language]  WeChat's language setting ('zh_CN' by default; null: none)
 * @param {boolean} [options.oldBaseLibrary]  no wx.getAppBaseInfo, only wx.getSystemInfoSync (before 2.20.1)
 */
function createFakeWx(options) {
  const storage = new Map();
  const codes = (options.codes || []).slice();
  const language = options.language === undefined ? 'zh_CN' : options.language;
  let codeNumber = 0;

  const wx = {
    loginCalls: 0,
    /** Every wx.showModal as it was called: {title, content, ...}. */
    modals: [],
    /** Every wx.request as it was sent: {url, method, header, data}. */
    requests: [],
    /** Every wx.showToast's title. */
    toasts: [],

    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => { storage.set(key, value); },
    removeStorageSync: (key) => { storage.delete(key); },

    login(callbacks) {
      wx.loginCalls += 1;
      const code = codes.length > 0 ? codes.shift() : `${options.user}.${++codeNumber}`;
      setImmediate(() => callbacks.success({ code, errMsg: 'login:ok' }));
    },

    showToast(req) {
      wx.toasts.push(req.title);
    },

    getSystemInfoSync: () => ({ language: language, platform: 'devtools' }),

    showModal(req) {
      wx.modals.push({ title: req.title, content: req.content, confirmText: req.confirmText });
      const confirm = !!options.confirmModal;
      setImmediate(() => req.success && req.success({ confirm, cancel: !confirm, errMsg: 'showModal:ok' }));
    },

    request(req) {
      const sent = { url: req.url, method: req.method || 'GET', header: { ...req.header }, data: req.data };
      wx.requests.push(sent);
      const canned = options.answer && options.answer(sent);
      (canned ? Promise.resolve({ header: {}, ...canned }) : perform(sent, req.timeout || 15000)).then(
        async (response) => {
          if (options.beforeSuccess) {
            await options.beforeSuccess(sent, response);
          }
          req.success && req.success(response);
        },
        (error) => req.fail && req.fail({ errMsg: `request:fail ${error.message}` }));
    },

    /** The requests sent to one path, e.g. '/api/user/login'. */
    requestsTo: (path) => wx.requests.filter((r) => new URL(r.url).pathname === path)
  };
  if (!options.oldBaseLibrary) {
    wx.getAppBaseInfo = () => ({ language: language, SDKVersion: '3.5.0' });
  }
  return wx;
}

/** What wx.request does with url, method, header and data, then its answer shape. */
async function perform(sent, timeoutMs) {
  const header = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(sent.header)) {
    header[name.toLowerCase()] = value;
  }
  let url = sent.url;
  let body;
  if (sent.method === 'GET' && sent.data && typeof sent.data === 'object') {
    url += (url.includes('?') ? '&' : '?') + new URLSearchParams(sent.data);
  } else if (sent.data !== undefined) {
    body = typeof sent.data === 'string' ? sent.data : JSON.stringify(sent.data);
  }
  const response = await fetch(url, {
    method: sent.method, headers: header, body, signal: AbortSignal.timeout(timeoutMs)
  });
  const text = await response.text();
  let data = text;
  try {
    data = JSON.parse(text); // wx.request's default dataType 'json': parse when it parses
  } catch {
    // not JSON: wx.request hands over the string
  }
  return { statusCode: response.status, data, header: Object.fromEntries(response.headers) };
}

module.exports = { createFakeWx };
