// The demo page (pages/index/index.js) against the real server: a fake Page() that keeps the
// page's definition, and the same fake wx as the auth tests.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const config = require('../config.js');
const { createFakeWx } = require('./support/fake-wx.js');
const { startServer } = require('./support/server.js');

const TEST_TIMEOUT = { timeout: 20000 };

let server;
let definition;
let userNumber = 0;

before(async () => {
  server = await startServer();
  config.baseUrl = server.url;
  global.Page = (options) => { definition = options; };
  require('../pages/index/index.js');
}, { timeout: 90000 });

after(async () => {
  if (server) {
    await server.stop();
  }
});

/** A page instance as the framework makes one: its own data, setData merging into it. */
function openPage(wxOptions = {}) {
  userNumber += 1;
  global.wx = createFakeWx({ user: `page${userNumber}`, ...wxOptions });
  return {
    ...definition,
    data: structuredClone(definition.data),
    setData(patch) { Object.assign(this.data, patch); }
  };
}

test('the page sends nothing on show until the user logs in', TEST_TIMEOUT, async () => {
  const page = openPage();

  await page.onShow();

  assert.equal(wx.requests.length, 0);
  assert.equal(page.data.user, null);
});

test('log in shows the user, and showing the page again loads it from /api/user/me', TEST_TIMEOUT, async () => {
  const page = openPage();

  await page.onLogin();
  const loggedIn = page.data.user;
  page.setData({ user: null });
  await page.onShow();

  assert.equal(typeof loggedIn.id, 'number');
  assert.equal(page.data.user.id, loggedIn.id);
  assert.equal(page.data.error, '');
  assert.equal(wx.loginCalls, 1);
  assert.equal(wx.requestsTo('/api/user/me').length, 1);
});

test('a failed login shows the Chinese message for its code, and the code', TEST_TIMEOUT, async () => {
  const page = openPage({ codes: ['wx-40029'] });

  await page.onLogin();

  assert.equal(page.data.user, null);
  assert.equal(page.data.error, '登录已过期，请重新登录');
  assert.equal(page.data.errorCode, 'code_invalid');
});

test('a declined phone prompt shows phone_denied', TEST_TIMEOUT, async () => {
  const page = openPage();
  await page.onLogin();

  await page.onGetPhoneNumber({ type: 'getphonenumber', detail: { errMsg: 'getPhoneNumber:fail user deny' } });

  assert.equal(page.data.error, '未授权手机号，可稍后在设置中重新授权');
  assert.equal(page.data.errorCode, 'phone_denied');
  assert.equal(page.data.phone, null);
});

test('log out clears the user and the token', TEST_TIMEOUT, async () => {
  const page = openPage();
  await page.onLogin();

  await page.onLogout();

  assert.equal(page.data.user, null);
  assert.equal(wx.getStorageSync('wxlogin.token'), '');
  assert.equal(wx.requestsTo('/api/user/logout').length, 1);
});

test('a token replaced by a login on another device: the page logs in again and says so', TEST_TIMEOUT, async () => {
  let replacedToken = null;
  const page = openPage({
    answer: (sent) => (sent.header.Authorization === `Bearer ${replacedToken}`
      ? { statusCode: 401, data: { status: 401, title: 'Unauthorized', detail: 'Replaced.', code: 'token_replaced' } }
      : undefined)
  });
  page.onLoad();
  await page.onLogin();
  replacedToken = wx.getStorageSync('wxlogin.token');

  await page.loadUser();
  page.onUnload();

  assert.equal(page.data.notice, '您的账号已在其他设备登录');
  assert.equal(page.data.error, '');
  assert.equal(typeof page.data.user.id, 'number');
  assert.equal(wx.loginCalls, 2);
  assert.deepEqual(wx.toasts, [], 'the page says it, not the default toast');
});
