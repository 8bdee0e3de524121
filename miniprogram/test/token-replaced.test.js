// One token per user: a newer login on another device (another phone, PC or Mac WeChat) replaces this
// device's token, and the server answers 401 token_replaced. utils/auth.js asks its onReplaced hook
// instead of logging in again unseen. The 401 token_replaced is answered by the fake wx (options.answer)
// for the request a test picks; everything else goes to the real server. Run after `dotnet build WxLogin.Web`.
const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const auth = require('../utils/auth.js');
const { createFakeWx } = require('./support/fake-wx.js');
const { useServer } = require('./support/server.js');

const TEST_TIMEOUT = { timeout: 20000 };
const TOKEN_KEY = 'wxlogin.token';
const REPLACED_MESSAGE = '您的账号已在其他设备登录';

const started = useServer();
let userNumber = 0;

afterEach(() => {
  auth.setOnReplaced(null);
});

const REPLACED = {
  statusCode: 401,
  data: {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
    title: 'Unauthorized',
    status: 401,
    detail: 'A newer login of this user replaced this token.',
    code: 'token_replaced'
  }
};

/**
 * A fake wx whose first `times` requests to /api/user/me carrying `replacedToken()` answer
 * 401 token_replaced, as the server does once the same user logged in elsewhere.
 */
function useWx({ times = 1, ...options } = {}) {
  userNumber += 1;
  let left = times;
  const wx = createFakeWx({
    user: `replaced${userNumber}`,
    answer: (sent) => {
      if (left > 0 && new URL(sent.url).pathname === '/api/user/me' && sent.header.Authorization === `Bearer ${wx.replacedToken}`) {
        left -= 1;
        return REPLACED;
      }
      return undefined;
    },
    ...options
  });
  global.wx = wx;
  return wx;
}

async function loggedIn(wx) {
  await auth.login();
  wx.replacedToken = wx.getStorageSync(TOKEN_KEY);
  return wx.replacedToken;
}

function settle(promise) {
  return promise.then((value) => ({ value }), (error) => ({ error }));
}

test('by default a replaced token logs in again once, retries, and says so in Chinese', TEST_TIMEOUT, async () => {
  const wx = useWx();
  const old = await loggedIn(wx);

  const me = await auth.request({ url: '/api/user/me' });

  assert.equal(typeof me.id, 'number');
  assert.equal(wx.loginCalls, 2);
  assert.notEqual(wx.getStorageSync(TOKEN_KEY), old);
  assert.deepEqual(wx.toasts, [REPLACED_MESSAGE]);
  const sent = wx.requestsTo('/api/user/me');
  assert.equal(sent.length, 2);
  assert.equal(sent[1].header.Authorization, `Bearer ${wx.getStorageSync(TOKEN_KEY)}`);
});

test('a hook that says no: no new login, the request rejects with token_replaced, the token is forgotten', TEST_TIMEOUT, async () => {
  const wx = useWx();
  await loggedIn(wx);
  const seen = [];
  auth.setOnReplaced((error) => {
    seen.push(error.code);
    return false;
  });

  const outcome = await settle(auth.request({ url: '/api/user/me' }));

  assert.equal(outcome.error.code, 'token_replaced');
  assert.equal(outcome.error.status, 401);
  assert.deepEqual(seen, ['token_replaced']);
  assert.equal(wx.loginCalls, 1);
  assert.equal(wx.getStorageSync(TOKEN_KEY), '');
  assert.deepEqual(wx.toasts, []);
});

test('a hook may ask the user first: a promise of true logs in again and retries', TEST_TIMEOUT, async () => {
  const wx = useWx();
  await loggedIn(wx);
  auth.setOnReplaced(() => new Promise((resolve) => setTimeout(() => resolve(true), 50)));

  const me = await auth.request({ url: '/api/user/me' });

  assert.equal(typeof me.id, 'number');
  assert.equal(wx.loginCalls, 2);
  assert.deepEqual(wx.toasts, [], 'a hook of its own replaces the default toast');
});

test('concurrent requests that all got token_replaced ask the hook once and log in once', TEST_TIMEOUT, async () => {
  const wx = useWx({ times: 3 });
  await loggedIn(wx);
  let asked = 0;
  auth.setOnReplaced(() => {
    asked += 1;
    return true;
  });

  const answers = await Promise.all([1, 2, 3].map(() => auth.request({ url: '/api/user/me' })));

  assert.equal(answers.length, 3);
  assert.equal(asked, 1);
  assert.equal(wx.loginCalls, 2);
});

test('replaced again right after the new login: rejects instead of looping', TEST_TIMEOUT, async () => {
  // The other device keeps logging in: every token, the new one too, is replaced at once.
  userNumber += 1;
  const wx = createFakeWx({
    user: `replaced${userNumber}`,
    answer: (sent) => (new URL(sent.url).pathname === '/api/user/me' ? REPLACED : undefined)
  });
  global.wx = wx;
  await auth.login();

  const outcome = await settle(auth.request({ url: '/api/user/me' }));

  assert.equal(outcome.error.code, 'token_replaced');
  assert.equal(wx.loginCalls, 2, 'one new login, not a loop');
  assert.equal(wx.requestsTo('/api/user/me').length, 2);
});

test('token_invalid keeps its silent new login: the hook is not asked', TEST_TIMEOUT, async () => {
  const wx = useWx({ times: 0 });
  const old = await loggedIn(wx);
  await fetch(`${started.server.url}/api/user/logout`, { method: 'POST', headers: { authorization: `Bearer ${old}` } });
  let asked = 0;
  auth.setOnReplaced(() => {
    asked += 1;
    return false;
  });

  const me = await auth.request({ url: '/api/user/me' });

  assert.equal(typeof me.id, 'number');
  assert.equal(asked, 0);
  assert.equal(wx.loginCalls, 2);
  assert.deepEqual(wx.toasts, []);
});

test('the real server: a login on another device makes this token answer token_replaced, and the default takes the login back', TEST_TIMEOUT, async () => {
  const wx = useWx({ times: 0 });
  const phoneToken = await loggedIn(wx);
  // PC WeChat, same account: the emulator names the user by the code's part before the first ".".
  const pc = await fetch(`${started.server.url}/api/user/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: `replaced${userNumber}.pc` })
  });
  assert.equal(pc.status, 200);

  const me = await auth.request({ url: '/api/user/me' });

  const first = wx.requestsTo('/api/user/me')[0];
  assert.equal(first.header.Authorization, `Bearer ${phoneToken}`);
  assert.equal(typeof me.id, 'number');
  assert.equal(wx.loginCalls, 2);
  assert.deepEqual(wx.toasts, [REPLACED_MESSAGE]);
});
