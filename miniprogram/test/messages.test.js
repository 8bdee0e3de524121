// utils/messages.js against the docs: docs/client.md's table shows every message as it is, and every
// code of docs/errors.md that a mini-program user can meet has a message. No server needed.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const messages = require('../utils/messages.js');

const docs = path.resolve(__dirname, '../../docs');

// Only WeChat's servers call /api/wechat/events: its code never reaches a user.
const NOT_FOR_USERS = ['signature_invalid'];

/** The rows `| \`code\` | when | message |` of the table under a heading of docs/client.md. */
function clientTable() {
  const text = fs.readFileSync(path.join(docs, 'client.md'), 'utf8');
  const section = text.split('### What to tell the user')[1].split('\n**')[0];
  return section.split('\n')
    .map((line) => /^\| `([a-z_]+)` \| .* \| ([^|]+) \|$/.exec(line))
    .filter(Boolean)
    .map((match) => [match[1], match[2].trim()]);
}

/** Every code in the code column of docs/errors.md's table. */
function serverCodes() {
  const text = fs.readFileSync(path.join(docs, 'errors.md'), 'utf8');
  const codes = new Set();
  for (const line of text.split('\n')) {
    const cells = line.split('|');
    if (cells.length >= 5) {
      for (const match of cells[3].matchAll(/`([a-z_]+)`/g)) {
        codes.add(match[1]);
      }
    }
  }
  codes.delete('errcode'); // a field of wx_error's body, not a code
  return [...codes];
}

test('docs/client.md shows every message of utils/messages.js, in its order', () => {
  assert.deepEqual(clientTable(), Object.entries(messages.MESSAGES));
});

test('every code of docs/errors.md that a user can meet has a message', () => {
  const codes = serverCodes();

  assert.ok(codes.length > 20, `read ${codes.length} codes from docs/errors.md`);
  const missing = codes.filter((code) => !NOT_FOR_USERS.includes(code) && !(code in messages.MESSAGES));
  assert.deepEqual(missing, []);
});

test('a replaced token says the account is in use elsewhere; unknown codes get the fallback', () => {
  assert.equal(messages.messageFor({ code: 'token_replaced' }), '您的账号已在其他设备登录');
  assert.equal(messages.messageFor('token_replaced'), '您的账号已在其他设备登录');
  assert.equal(messages.messageFor({ code: 'something_new' }), messages.FALLBACK);
  assert.equal(messages.messageFor({ code: 'toString' }), messages.FALLBACK);
  assert.equal(messages.messageFor(undefined), messages.FALLBACK);
});
