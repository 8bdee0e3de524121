// Deleting the account: utils/auth.js deleteAccount() and the demo page's "Delete my account"
// button behind wx.showModal, against the real server (emulator mode). Run after `dotnet build WxLogin.Web`.
const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const config = require('../config.js');
const auth = require('../utils/auth.js');
const { createFakeWx } = require('./support/fake-wx.js');
const { startServer } = require('./support/server.js');

const TEST_TIMEOUT = { timeout: 20000 };
const TOKEN_KEY = 'wxlogin.token';

let server;
let definition;
let userNumber = 0;

before(async () => {
  server = await startServer();
  global.Page = (options) => { definition = options; };
  require('../pages/index/index.js');
}, { timeout: 90000 });

after(async () => {
  if (server) {
    await server.stop();
  }
});

beforeEach(() => {
  config.baseUrl = server.url;
});

function useWx(options = {}) {
  userNumber += 1;
  global.wx = createFakeWx({ user: `deleter${userNumber}`, ...options });
  return global.wx;
}

function openPage(wxOptions) {
  useWx(wxOptions);
  return {
    ...definition,
    data: structuredClone(definition.data),
    setData(patch) { Object.assign(this.data, patch); }
  };
}

/** GET /api/user/me around the client, as another device would. */
async function me(token) {
  const response = await fetch(`${server.url}/api/user/me`, {
    headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10000)
  });
  return { status: response.status, body: await response.json() };
}

test('deleteAccount() deletes the user on the server and forgets the token', TEST_TIMEOUT, async () => {
  const wx = useWx();
  const { token } = await auth.login();

  await auth.deleteAccount();

  const deletes = wx.requestsTo('/api/user/me').filter((r) => r.method === 'DELETE');
  assert.equal(deletes.length, 1);
  assert.equal(deletes[0].header.Authorization, `Bearer ${token}`);
  assert.equal(auth.getToken(), '');
  const after = await me(token);
  assert.equal(after.status, 401);
  assert.equal(after.body.code, 'token_invalid');
});

test('after deleteAccount() the next login starts a new account with a new id', TEST_TIMEOUT, async () => {
  useWx();
  const first = await auth.login();
  await auth.deleteAccount();

  const second = await auth.login();

  assert.equal(second.user.openId, first.user.openId);
  assert.notEqual(second.user.id, first.user.id);
});

test('deleteAccount() keeps the token when the server cannot be reached, so the user can retry', TEST_TIMEOUT, async () => {
  useWx();
  const { token } = await auth.login();
  config.baseUrl = `http://127.0.0.1:${await closedPort()}`;

  const error = await auth.deleteAccount().then(() => assert.fail('deleteAccount should fail'), (e) => e);

  assert.equal(error.code, 'network_error');
  assert.equal(auth.getToken(), token);
  config.baseUrl = server.url;
  assert.equal((await me(token)).status, 200);
});

test('the page asks first, and a cancelled confirmation deletes nothing', TEST_TIMEOUT, async () => {
  const page = openPage({ confirmModal: false });
  await page.onLogin();
  const token = wx.getStorageSync(TOKEN_KEY);

  await page.onDeleteAccount();

  assert.equal(wx.modals.length, 1);
  assert.equal(wx.modals[0].title, '注销账号？');
  assert.equal(wx.requestsTo('/api/user/me').filter((r) => r.method === 'DELETE').length, 0);
  assert.notEqual(page.data.user, null);
  assert.equal(wx.getStorageSync(TOKEN_KEY), token);
  assert.equal((await me(token)).status, 200);
});

test('the page deletes the account after the confirmation and shows nobody logged in', TEST_TIMEOUT, async () => {
  const page = openPage({ confirmModal: true });
  await page.onLogin();
  const token = wx.getStorageSync(TOKEN_KEY);

  await page.onDeleteAccount();

  assert.equal(wx.modals.length, 1);
  assert.equal(page.data.user, null);
  assert.equal(page.data.error, '');
  assert.equal(wx.getStorageSync(TOKEN_KEY), '');
  assert.equal((await me(token)).body.code, 'token_invalid');
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
