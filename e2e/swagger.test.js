// Swagger UI in a real browser (Debian's chromium, driven by playwright-core): open the page, log in
// through "Try it out", Authorize with the token, call GET /api/user/me and read what the page shows.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer } = require('../miniprogram/test/support/server.js');

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshots = process.env.E2E_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'wxlogin-e2e-shots-'));

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, timeout: 30000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Expands an operation, presses "Try it out", optionally types the body, executes it; returns its live response. */
async function execute(page, method, route, body) {
  const operation = page.locator(`.opblock-${method}`).filter({
    has: page.locator('.opblock-summary-path', { hasText: new RegExp(`^${route}$`) })
  });
  await operation.locator('.opblock-summary').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  if (body !== undefined) {
    await operation.locator('textarea.body-param__text').fill(body);
  }
  await operation.getByRole('button', { name: 'Execute' }).click();
  const response = operation.locator('.live-responses-table .response');
  await response.locator('.response-col_status').waitFor();
  return {
    status: (await response.locator('.response-col_status').innerText()).trim(),
    body: await response.locator('.response-col_description pre').first().innerText(),
    curl: await operation.locator('.curl-command').innerText()
  };
}

test('Swagger UI: log in, Authorize with the raw token, GET /api/user/me shows 200 and the user', { timeout: 120000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  page.setDefaultTimeout(20000);
  try {
    await page.goto(`${server.url}/`); // redirects to /swagger outside Production
    await page.locator('.information-container .title').waitFor();
    assert.match(page.url(), /\/swagger\/(index\.html)?$/);
    assert.equal(await page.title(), 'WxLogin');
    assert.match(await page.locator('.information-container .title').innerText(), /^WxLogin/);
    await page.screenshot({ path: path.join(screenshots, '1-swagger.png') });

    const code = `e2e.${Date.now()}`;
    const login = await execute(page, 'post', '/api/user/login', JSON.stringify({ code }));
    assert.equal(login.status, '200', login.body);
    const { token, user } = JSON.parse(login.body);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: path.join(screenshots, '2-login.png') });

    await page.locator('.scheme-container .btn.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('#auth-bearer-value').fill(token);
    await dialog.locator('.auth-btn-wrapper .authorize').click();
    await dialog.locator('.auth-btn-wrapper .btn-done').click();

    const me = await execute(page, 'get', '/api/user/me');
    await page.screenshot({ path: path.join(screenshots, '3-me.png'), fullPage: false });
    assert.equal(me.status, '200', me.body);
    assert.equal(JSON.parse(me.body).openId, user.openId);
    assert.equal(JSON.parse(me.body).id, user.id);
    assert.match(me.curl, new RegExp(`Authorization: Bearer ${token}`));
  } finally {
    await page.close();
  }
});
