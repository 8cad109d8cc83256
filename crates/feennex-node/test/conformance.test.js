'use strict';
// The shared cases of crates/feennex-ops/tests/data/conformance.json, which every
// binding runs in its own language: the same refused field, the same callback
// reason, the same options, the same finality of withdrawals. Plus what only
// JavaScript has: the Signer, and the key never passed again for callbacks.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const feennex = require('..');

const cases = require(path.join(__dirname, '../../feennex-ops/tests/data/conformance.json'));
const merchant = new feennex.Merchant({ shopId: cases.shop_id, secret: cases.secret, baseUrl: cases.base_url });

test('build cases: the same refused field as every binding', () => {
  for (const c of cases.build) {
    if (c.field) {
      assert.throws(() => merchant.buildRequest(c.operation, c.params), { name: 'FeennexError', kind: 'invalid_input', field: c.field }, c.name);
    } else {
      const request = merchant.buildRequest(c.operation, c.params);
      if (c.body_contains) assert.ok(request.body.includes(c.body_contains), `${c.name}: ${request.body}`);
    }
  }
});

test('option cases: the same options as every binding, unknown ones refused by name', () => {
  const names = { attempt_timeout_ms: 'attemptTimeoutMs', total_timeout_ms: 'totalTimeoutMs', max_creates: 'maxCreates',
    max_status_checks: 'maxStatusChecks', allow_plain_http: 'allowPlainHttp', max_response_bytes: 'maxResponseBytes' };
  for (const c of cases.options) {
    const options = Object.fromEntries(Object.entries(c.options).map(([name, value]) => [names[name] ?? name, value]));
    const make = () => new feennex.Merchant({ shopId: 6, secret: 'k', ...options });
    if (c.field) {
      assert.throws(make, { kind: 'invalid_input', field: c.field }, c.name);
    } else {
      assert.equal(make().maxResponseBytes, c.options.max_response_bytes ?? feennex.DEFAULT_MAX_RESPONSE_BYTES, c.name);
    }
  }
});

test('callback cases: the same reason as every binding, with the merchant\'s own key', () => {
  for (const c of cases.callbacks) {
    const verify = () => merchant.verifyCallback({
      body: c.body, contentType: c.content_type, remoteIp: c.remote_ip, allow: c.allow ?? undefined, checkedUpstream: c.checked_upstream,
    });
    if (c.reason) {
      assert.throws(verify, { kind: 'callback_rejected', reason: c.reason }, c.name);
    } else if (c.field) {
      assert.throws(verify, { kind: 'invalid_input', field: c.field }, c.name);
    } else {
      assert.equal(verify().shop_order_id, c.shop_order_id, c.name);
      // The key-taking function agrees.
      const fields = feennex.verifyCallback({
        body: c.body, contentType: c.content_type, remoteIp: c.remote_ip, allow: c.allow ?? undefined,
        checkedUpstream: c.checked_upstream, secret: cases.secret,
      });
      assert.equal(fields.shop_order_id, c.shop_order_id, c.name);
    }
  }
});

test('a verified callback is checked against the order, amounts as decimals', () => {
  const good = cases.callbacks[0];
  const verify = (order) => merchant.verifyCallback({
    body: good.body, contentType: good.content_type, remoteIp: good.remote_ip, allow: good.allow, order,
  });
  assert.equal(verify({ shop_order_id: 'o-42', amount: '25.5', currency: 840 }).status, 'success');
  assert.throws(() => verify({ shop_order_id: 'o-42', amount: '25.51', currency: 840 }),
    { kind: 'order_mismatch', field: 'shop_amount', received: '25.50' });
  assert.throws(() => verify({ shop_order_id: 'o-42', amount: '25.5', currency: 978 }), { kind: 'order_mismatch', field: 'shop_currency' });
  assert.throws(() => verify({ shop_order_id: 'o-43', amount: '25.5', currency: 840 }), { kind: 'order_mismatch', field: 'shop_order_id' });
});

test('withdrawal finality is the core\'s rule', () => {
  for (const [status, isFinal] of Object.entries(cases.withdraw_final)) {
    assert.equal(feennex.withdrawStatusIsFinal(Number(status)), isFinal, status);
  }
});

test('a Signer keeps the key and signs as sign() does, one crossing per signature', () => {
  const fields = { amount: '10.00', currency: '643', shop_id: '5', shop_order_id: '101' };
  const signer = new feennex.Signer('SecretKey01');
  assert.equal(signer.sign(fields), 'e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f');
  assert.equal(signer.sign(Object.entries(fields)), feennex.sign(fields, 'SecretKey01'));
  assert.equal(signer.sign({ a: 7, b: 8n }), feennex.sign({ a: '7', b: '8' }, 'SecretKey01'));
  assert.ok(signer.verify(fields, feennex.sign(fields, 'SecretKey01')));
  assert.ok(!signer.verify({ ...fields, amount: '10.01' }, feennex.sign(fields, 'SecretKey01')));
  assert.equal(signer.sign({}), feennex.sign([], 'SecretKey01'));
  assert.throws(() => new feennex.Signer(''), { kind: 'invalid_input', field: 'secret' });
  assert.throws(() => signer.sign({ a: 'x\0y' }), { kind: 'invalid_input', field: 'fields' });
  assert.throws(() => signer.sign({ 'a\0': 'x' }), { kind: 'invalid_input', field: 'fields' });
  assert.throws(() => signer.sign({ a: 1.5 }), { kind: 'invalid_input', field: 'a' });
  const shown = [String(signer), JSON.stringify(signer), require('node:util').inspect(signer, { showHidden: true, depth: 9 })];
  for (const text of shown) assert.ok(!text.includes('SecretKey01'), text);
});

test('the pay page is signed by the core', () => {
  const page = merchant.payPage({ amount: '10.00', currency: 643, shop_order_id: '101', lang: 'ru', description: 'Order' });
  assert.equal(page.action, 'https://pay.feennex.com/ru/pay');
  const fields = Object.fromEntries(page.fields);
  assert.equal(fields.amount, '10');
  assert.equal(fields.description, 'Order');
  const signed = { amount: fields.amount, currency: fields.currency, shop_id: fields.shop_id, shop_order_id: fields.shop_order_id };
  assert.equal(fields.sign, feennex.sign(signed, cases.secret));
  assert.throws(() => merchant.payPage({ amount: '10', currency: 643, shop_order_id: '1', langage: 'ru' }), { field: 'langage' });
});
