// utils/auth.js sends WeChat's language setting as Accept-Language, so the server's error details come
// in the user's language (docs/client.md). Against the real server. Run after `dotnet build WxLogin.Web`.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const auth = require('../utils/auth.js');
const { createFakeWx } = require('./support/fake-wx.js');
const { useServer } = require('./support/server.js');

const TEST_TIMEOUT = { timeout: 20000 };

const started = useServer();
let userNumber = 0;

function useWx(options) {
  userNumber += 1;
  global.wx = createFakeWx({ user: `language${userNumber}`, ...options });
  return global.wx;
}

function languagesSent(wx) {
  return wx.requests.map((r) => `${new URL(r.url).pathname} ${r.header['Accept-Language']}`);
}

test('WeChat in Simplified Chinese (zh_CN) sends Accept-Language: zh-CN with the login and every request', TEST_TIMEOUT, async () => {
  const wx = useWx({ language: 'zh_CN' });

  await auth.request({ url: '/api/user/me' });

  assert.deepEqual(languagesSent(wx), ['/api/user/login zh-CN', '/api/user/me zh-CN']);
});

test('WeChat in English sends Accept-Language: en', TEST_TIMEOUT, async () => {
  const wx = useWx({ language: 'en' });

  await auth.request({ url: '/api/user/me' });

  assert.deepEqual(languagesSent(wx), ['/api/user/login en', '/api/user/me en']);
});

test('a base library without wx.getAppBaseInfo: the language comes from wx.getSystemInfoSync', TEST_TIMEOUT, async () => {
  const wx = useWx({ language: 'zh_TW', oldBaseLibrary: true });

  await auth.login();

  assert.equal(typeof wx.getAppBaseInfo, 'undefined');
  assert.deepEqual(languagesSent(wx), ['/api/user/login zh-TW']);
});

test('no language setting: no Accept-Language header', TEST_TIMEOUT, async () => {
  const wx = useWx({ language: null });

  await auth.login();

  assert.equal('Accept-Language' in wx.requests[0].header, false);
});

test('a caller\'s own Accept-Language wins', TEST_TIMEOUT, async () => {
  const wx = useWx({ language: 'zh_CN' });

  await auth.request({ url: '/api/user/me', header: { 'Accept-Language': 'en' } });

  assert.equal(wx.requestsTo('/api/user/me')[0].header['Accept-Language'], 'en');
});
