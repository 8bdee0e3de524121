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

test('a failed login shows the server\'s code and detail', TEST_TIMEOUT, async () => {
  const page = openPage({ codes: ['wx-40029'] });

  await page.onLogin();

  assert.equal(page.data.user, null);
  assert.match(page.data.error, /^code_invalid: ./);
});

test('a declined phone prompt shows phone_denied', TEST_TIMEOUT, async () => {
  const page = openPage();
  await page.onLogin();

  await page.onGetPhoneNumber({ type: 'getphonenumber', detail: { errMsg: 'getPhoneNumber:fail user deny' } });

  assert.equal(page.data.error, 'phone_denied: getPhoneNumber:fail user deny');
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
