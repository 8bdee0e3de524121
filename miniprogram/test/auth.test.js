// utils/auth.js against the real WxLogin server (emulator mode), through a fake `wx` whose
// wx.request does real HTTP. Run after `dotnet build WxLogin.Web`:
//   node --test miniprogram/test/*.test.js
const { test } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const config = require('../config.js');
const auth = require('../utils/auth.js');
const { createFakeWx } = require('./support/fake-wx.js');
const { useServer } = require('./support/server.js');

const TEST_TIMEOUT = { timeout: 20000 };
const TOKEN_KEY = 'wxlogin.token';

const started = useServer();
let userNumber = 0;

/** A fake wx for a user no other test uses (the emulator names users by the code's prefix). */
function useWx(options = {}) {
  userNumber += 1;
  global.wx = createFakeWx({ user: `client${userNumber}`, ...options });
  return global.wx;
}

/** The server reached around the client: another device, another page, curl. */
async function direct(path, { method = 'GET', token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  const response = await fetch(started.server.url + path, {
    method, headers, body: body && JSON.stringify(body), signal: AbortSignal.timeout(10000)
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function bearerOf(request) {
  return request.header.Authorization;
}

test('the first request logs in once, stores the token and sends it as Bearer', TEST_TIMEOUT, async () => {
  const wx = useWx();

  const me = await auth.request({ url: '/api/user/me' });

  const token = wx.getStorageSync(TOKEN_KEY);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(wx.loginCalls, 1);
  const logins = wx.requestsTo('/api/user/login');
  assert.equal(logins.length, 1);
  assert.equal(logins[0].method, 'POST');
  assert.deepEqual(logins[0].data, { code: `client${userNumber}.1` });
  const meRequests = wx.requestsTo('/api/user/me');
  assert.equal(meRequests.length, 1);
  assert.equal(bearerOf(meRequests[0]), `Bearer ${token}`);
  const onServer = await direct('/api/user/me', { token });
  assert.equal(onServer.status, 200);
  assert.equal(me.id, onServer.body.id);
  assert.equal(me.openId, onServer.body.openId);
});

test('login() resolves with the token, its expiry and the user', TEST_TIMEOUT, async () => {
  const wx = useWx();

  const result = await auth.login();

  assert.equal(result.token, wx.getStorageSync(TOKEN_KEY));
  assert.equal(auth.getToken(), result.token);
  assert.ok(Date.parse(result.expiresAt) > Date.now(), `expiresAt ${result.expiresAt} is in the future`);
  assert.equal(typeof result.user.id, 'number');
  assert.equal(wx.loginCalls, 1);
});

test('later requests reuse the stored token without logging in again', TEST_TIMEOUT, async () => {
  const wx = useWx();
  await auth.request({ url: '/api/user/me' });
  const token = wx.getStorageSync(TOKEN_KEY);

  for (let i = 0; i < 3; i += 1) {
    await auth.request({ url: '/api/user/me' });
  }

  assert.equal(wx.loginCalls, 1);
  assert.equal(wx.requestsTo('/api/user/login').length, 1);
  const meRequests = wx.requestsTo('/api/user/me');
  assert.equal(meRequests.length, 4);
  for (const request of meRequests) {
    assert.equal(bearerOf(request), `Bearer ${token}`);
  }
});

test('concurrent first requests share one wx.login and one server login', TEST_TIMEOUT, async () => {
  const wx = useWx();

  const users = await Promise.all(Array.from({ length: 5 }, () => auth.request({ url: '/api/user/me' })));

  assert.equal(wx.loginCalls, 1);
  assert.equal(wx.requestsTo('/api/user/login').length, 1);
  const token = wx.getStorageSync(TOKEN_KEY);
  const meRequests = wx.requestsTo('/api/user/me');
  assert.equal(meRequests.length, 5);
  for (const request of meRequests) {
    assert.equal(bearerOf(request), `Bearer ${token}`);
  }
  assert.equal(new Set(users.map((user) => user.id)).size, 1);
});

test('concurrent login() calls share one login and get the same result', TEST_TIMEOUT, async () => {
  const wx = useWx();

  const results = await Promise.all([auth.login(), auth.login(), auth.login()]);

  assert.equal(wx.loginCalls, 1);
  assert.equal(wx.requestsTo('/api/user/login').length, 1);
  assert.equal(results[1], results[0]);
  assert.equal(results[2], results[0]);
});

test('a server error on login rejects with its code, stores nothing and frees the next login', TEST_TIMEOUT, async () => {
  const wx = useWx({ codes: ['wx--1'] });

  const error = await auth.login().then(() => assert.fail('login should fail'), (e) => e);

  assert.ok(error instanceof Error);
  assert.equal(error.code, 'wx_unavailable');
  assert.equal(error.status, 503);
  assert.equal(error.statusCode, 503);
  assert.ok(error.detail.length > 0, 'detail is the server\'s');
  assert.equal(auth.getToken(), '');

  const result = await auth.login();
  assert.equal(wx.loginCalls, 2);
  assert.equal(auth.getToken(), result.token);
});

test('request() rejects with the login error and sends nothing else when login fails', TEST_TIMEOUT, async () => {
  const wx = useWx({ codes: ['wx-40029'] });

  const error = await auth.request({ url: '/api/user/me' }).then(() => assert.fail('request should fail'), (e) => e);

  assert.equal(error.code, 'code_invalid');
  assert.equal(error.status, 400);
  assert.equal(wx.requestsTo('/api/user/me').length, 0);
});

test('other errors reach the caller with code and detail, without a new login or retry', TEST_TIMEOUT, async () => {
  const wx = useWx();
  await auth.login();

  const error = await auth.request({ url: '/api/user/me', method: 'PATCH' })
    .then(() => assert.fail('request should fail'), (e) => e);

  assert.equal(error.code, 'method_not_allowed');
  assert.equal(error.status, 405);
  assert.equal(error.data.status, 405);
  assert.equal(wx.loginCalls, 1);
  assert.equal(wx.requestsTo('/api/user/me').length, 1);
});

test('a token revoked elsewhere gets one new login and a successful retry', TEST_TIMEOUT, async () => {
  const wx = useWx();
  const first = await auth.login();
  const logout = await direct('/api/user/logout', { method: 'POST', token: first.token });
  assert.equal(logout.status, 204);

  const me = await auth.request({ url: '/api/user/me' });

  assert.equal(me.id, first.user.id);
  assert.equal(wx.loginCalls, 2);
  const fresh = wx.getStorageSync(TOKEN_KEY);
  assert.notEqual(fresh, first.token);
  const meRequests = wx.requestsTo('/api/user/me');
  assert.deepEqual(meRequests.map(bearerOf), [`Bearer ${first.token}`, `Bearer ${fresh}`]);
});

test('an unknown stored token (token_invalid) gets one new login and a successful retry', TEST_TIMEOUT, async () => {
  const wx = useWx();
  const unknown = 'A'.repeat(43);
  wx.setStorageSync(TOKEN_KEY, unknown);
  const rejected = await direct('/api/user/me', { token: unknown });
  assert.equal(rejected.body.code, 'token_invalid');

  const me = await auth.request({ url: '/api/user/me' });

  assert.equal(typeof me.id, 'number');
  assert.equal(wx.loginCalls, 1);
  assert.deepEqual(wx.requestsTo('/api/user/me').map(bearerOf), [`Bearer ${unknown}`, `Bearer ${auth.getToken()}`]);
});

test('concurrent requests with a revoked token share one new login', TEST_TIMEOUT, async () => {
  const wx = useWx();
  const first = await auth.login();
  assert.equal((await direct('/api/user/logout', { method: 'POST', token: first.token })).status, 204);

  const users = await Promise.all(Array.from({ length: 4 }, () => auth.request({ url: '/api/user/me' })));

  assert.equal(wx.loginCalls, 2);
  assert.equal(wx.requestsTo('/api/user/login').length, 2);
  assert.deepEqual(users.map((user) => user.id), [1, 2, 3, 4].map(() => first.user.id));
  const fresh = auth.getToken();
  const retries = wx.requestsTo('/api/user/me').filter((r) => bearerOf(r) === `Bearer ${fresh}`);
  assert.equal(retries.length, 4);
});

test('a 401 that arrives after another request logged in again retries with that login', TEST_TIMEOUT, async () => {
  let releaseLate;
  const firstIsDone = new Promise((resolve) => { releaseLate = resolve; });
  let held = 0;
  const wx = useWx({
    // Hold back the second request's 401 until the first request has logged in again and retried.
    beforeSuccess: async (request, response) => {
      if (request === wx.requestsTo('/api/user/me')[1] && response.statusCode === 401) {
        held += 1;
        await firstIsDone;
      }
    }
  });
  const first = await auth.login();
  assert.equal((await direct('/api/user/logout', { method: 'POST', token: first.token })).status, 204);

  const early = auth.request({ url: '/api/user/me' }).then((user) => { releaseLate(); return user; });
  const late = auth.request({ url: '/api/user/me' });
  const users = await Promise.all([early, late]);

  assert.equal(held, 1);
  assert.equal(wx.loginCalls, 2);
  assert.deepEqual(users.map((user) => user.id), [first.user.id, first.user.id]);
  const fresh = auth.getToken();
  assert.equal((await direct('/api/user/me', { token: fresh })).status, 200);
});

test('a 401 after the new login rejects instead of looping', TEST_TIMEOUT, async () => {
  let revokeNextLogin = false;
  let revokedStatus;
  const wx = useWx({
    // Revoke the token of the re-login before the client sees it, so the retry gets a real 401.
    beforeSuccess: async (request, response) => {
      if (revokeNextLogin && new URL(request.url).pathname === '/api/user/login') {
        revokeNextLogin = false;
        revokedStatus = (await direct('/api/user/logout', { method: 'POST', token: response.data.token })).status;
      }
    }
  });
  const first = await auth.login();
  assert.equal((await direct('/api/user/logout', { method: 'POST', token: first.token })).status, 204);
  revokeNextLogin = true;

  const error = await auth.request({ url: '/api/user/me' }).then(() => assert.fail('request should fail'), (e) => e);

  assert.equal(revokedStatus, 204);
  assert.equal(error.code, 'token_invalid');
  assert.equal(error.status, 401);
  assert.ok(error.detail.length > 0);
  assert.equal(wx.loginCalls, 2);
  assert.equal(wx.requestsTo('/api/user/login').length, 2);
  assert.equal(wx.requestsTo('/api/user/me').length, 2);
});

test('a request with no answer rejects with network_error', TEST_TIMEOUT, async () => {
  const wx = useWx();
  wx.setStorageSync(TOKEN_KEY, 'A'.repeat(43));
  config.baseUrl = `http://127.0.0.1:${await closedPort()}`;

  const error = await auth.request({ url: '/api/user/me' }).then(() => assert.fail('request should fail'), (e) => e);

  assert.equal(error.code, 'network_error');
  assert.equal(error.status, 0);
  assert.match(error.detail, /^request:fail/);
  assert.equal(wx.loginCalls, 0);
});

test('logout() revokes the token on the server and forgets it', TEST_TIMEOUT, async () => {
  const wx = useWx();
  const { token } = await auth.login();

  await auth.logout();

  assert.equal(auth.getToken(), '');
  const logouts = wx.requestsTo('/api/user/logout');
  assert.equal(logouts.length, 1);
  assert.equal(logouts[0].method, 'POST');
  assert.equal(bearerOf(logouts[0]), `Bearer ${token}`);
  const after = await direct('/api/user/me', { token });
  assert.equal(after.status, 401);
  assert.equal(after.body.code, 'token_invalid');
});

test('logout() without a token sends nothing', TEST_TIMEOUT, async () => {
  const wx = useWx();

  await auth.logout();

  assert.equal(wx.requests.length, 0);
  assert.equal(wx.loginCalls, 0);
});

/** The server answered 200 with a phone number, and /api/user/me now shows it. */
async function checkPhoneBound(outcome) {
  assert.ifError(outcome.error);
  assert.match(outcome.value.phoneNumber, /^\d{11}$/);
  assert.equal(outcome.value.countryCode, '86');
  const me = await auth.request({ url: '/api/user/me' });
  assert.equal(me.phoneNumber, outcome.value.phoneNumber);
}

function settle(promise) {
  return promise.then((value) => ({ value }), (error) => ({ error }));
}

test('bindPhone() sends the button\'s code with the token', TEST_TIMEOUT, async (t) => {
  const wx = useWx();
  const { token } = await auth.login();

  const outcome = await settle(auth.bindPhone({ type: 'getphonenumber', detail: { errMsg: 'getPhoneNumber:ok', code: 'phone-code-1' } }));

  await t.test('as POST /api/user/phone {code} with Authorization: Bearer', () => {
    const sent = wx.requestsTo('/api/user/phone');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, 'POST');
    assert.deepEqual(sent[0].data, { code: 'phone-code-1' });
    assert.equal(bearerOf(sent[0]), `Bearer ${token}`);
  });
  await t.test('and the server binds the number', () => checkPhoneBound(outcome));
});

test('bindPhone() falls back to encryptedData and iv when the button gives no code', TEST_TIMEOUT, async (t) => {
  const wx = useWx();
  const { token } = await auth.login();
  // What the button would hand over: phone data sealed with this login's session_key
  // (the server's Development helper plays WeChat's part).
  const sealed = await auth.request({ url: '/api/dev/encrypt', method: 'POST' });
  const detail = { errMsg: 'getPhoneNumber:ok', encryptedData: sealed.encryptedData, iv: sealed.iv };

  const outcome = await settle(auth.bindPhone({ type: 'getphonenumber', detail }));

  await t.test('as POST /api/user/phone {encryptedData, iv} with Authorization: Bearer', () => {
    const sent = wx.requestsTo('/api/user/phone');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, 'POST');
    assert.deepEqual(sent[0].data, { encryptedData: detail.encryptedData, iv: detail.iv });
    assert.equal(bearerOf(sent[0]), `Bearer ${token}`);
  });
  await t.test('and the server binds the number', () => checkPhoneBound(outcome));
});

test('bindPhone() rejects with phone_denied and sends nothing when the user declines', TEST_TIMEOUT, async () => {
  const wx = useWx();

  const error = await auth.bindPhone({ type: 'getphonenumber', detail: { errMsg: 'getPhoneNumber:fail user deny' } })
    .then(() => assert.fail('bindPhone should fail'), (e) => e);

  assert.equal(error.code, 'phone_denied');
  assert.equal(error.detail, 'getPhoneNumber:fail user deny');
  assert.equal(wx.requests.length, 0);
  assert.equal(wx.loginCalls, 0);
});

/** A port nothing listens on. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
