'use strict';
// The sandbox's callbacks of payments, received by a node:http server and verified
// through the binding; forged, altered and unexpected ones are refused.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');

const feennex = require('..');
const { SECRET, SHOP_ID, startSandbox } = require('./sandbox');

let sandbox;
let client;
test.before(async () => {
  sandbox = await startSandbox();
  client = new feennex.Client({ shopId: SHOP_ID, secret: SECRET, baseUrl: sandbox.baseUrl });
});
test.after(() => sandbox.stop());

/** A callback receiver: resolves each delivery's verification to the test. */
async function receiver(check) {
  const deliveries = [];
  let notify;
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      let result;
      try {
        result = { fields: check(body, request.headers['content-type'], request.socket.remoteAddress) };
        response.writeHead(200).end(feennex.CALLBACK_REPLY_OK);
      } catch (error) {
        result = { error };
        response.writeHead(400).end();
      }
      deliveries.push({ body, ...result });
      notify?.();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/callback`,
    deliveries,
    next: () => new Promise((resolve) => { notify = resolve; }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test('a paid bill\'s callback is verified and matches the order', async () => {
  const server = await receiver((body, contentType, remoteIp) => feennex.verifyCallback({
    body, contentType, remoteIp, allow: ['127.0.0.1'], secret: SECRET,
  }));
  try {
    const bill = await client.billCreate({
      payer_currency: 840, shop_amount: '25.50', shop_currency: 840, shop_order_id: 'node-cb-1', callback_url: server.url,
    });
    const delivered = server.next();
    await sandbox.admin.post(`payments/bill/${bill.id}/complete`);
    await delivered;
    const [delivery] = server.deliveries;
    assert.equal(delivery.error, undefined, delivery.error?.message);
    assert.equal(delivery.fields.shop_order_id, 'node-cb-1');
    assert.equal(delivery.fields.shop_id, String(SHOP_ID));
    assert.equal(delivery.fields.status, 'success');
    assert.equal(feennex.amountText(delivery.fields.shop_amount), '25.5');
    assert.match(delivery.fields.sign, /^[0-9a-f]{64}$/);
  } finally {
    await server.close();
  }
});

test('a callback with another key, an altered amount or an unknown sender is refused', async () => {
  const fields = { shop_id: '6', shop_order_id: 'o-1', shop_amount: '10.00', shop_currency: '840', status: 'success', payment_id: '9001', payway: '' };
  const form = (values) => new URLSearchParams(values).toString();
  const signed = { ...fields, sign: feennex.sign(Object.entries(fields).filter(([, v]) => v !== ''), SECRET) };
  const verify = (body, extra = {}) => feennex.verifyCallback({
    body, contentType: 'application/x-www-form-urlencoded', remoteIp: '87.98.145.206', allow: ['87.98.145.206', '51.68.53.104-51.68.53.107'], secret: SECRET, ...extra,
  });

  assert.equal(verify(form(signed)).shop_amount, '10.00');
  assert.equal(verify(JSON.stringify(signed), { contentType: 'application/json' }).status, 'success');
  assert.equal(verify(form(signed), { remoteIp: '51.68.53.106' }).shop_order_id, 'o-1');
  assert.equal(verify(form(signed), { allow: undefined, checkedUpstream: true, remoteIp: '10.0.0.1' }).shop_id, '6');

  const rejected = { name: 'FeennexError', kind: 'callback_rejected' };
  assert.throws(() => verify(form({ ...signed, shop_amount: '1000.00' })), { ...rejected, message: /bad signature/ });
  assert.throws(() => verify(form(signed), { secret: 'another-shop' }), { ...rejected, message: /bad signature/ });
  assert.throws(() => verify(form(signed), { remoteIp: '10.0.0.1' }), { ...rejected, message: /allow list/ });
  assert.throws(() => verify(form(fields)), { ...rejected, message: /no sign/ });
  assert.throws(() => verify(form(signed), { contentType: 'text/plain' }), rejected);
  // The sender policy is never implicit.
  assert.throws(() => verify(form(signed), { allow: undefined }), { kind: 'invalid_input', field: 'allow' });
  assert.throws(() => verify(form(signed), { allow: ['not an address'] }), { kind: 'invalid_input', field: 'allow' });
});

test('a qiwi_rub invoice\'s callback carries phone: refused by default, accepted when allowed or permissive', async () => {
  const options = (body, contentType, remoteIp, extra = {}) => ({
    body, contentType, remoteIp, allow: ['127.0.0.1'], secret: SECRET, ...extra,
  });
  const server = await receiver((body, contentType, remoteIp) => feennex.verifyCallback(
    options(body, contentType, remoteIp, { allowFields: ['phone'] }),
  ));
  try {
    const invoice = await client.invoiceCreate({
      amount: '150', currency: 643, payway: 'qiwi_rub', shop_order_id: 'node-cb-phone',
      add_ons: { phone: '+79001234567' }, callback_url: server.url,
    });
    const delivered = server.next();
    await sandbox.admin.post(`payments/invoice/${invoice.id}/complete`);
    await delivered;
    const [delivery] = server.deliveries;
    assert.equal(delivery.error, undefined, delivery.error?.message);
    assert.equal(delivery.fields.phone, '+79001234567');
    assert.equal(delivery.fields.shop_order_id, 'node-cb-phone');
    assert.equal(delivery.fields.status, 'success');

    const form = 'application/x-www-form-urlencoded';
    const verify = (extra) => feennex.verifyCallback(options(delivery.body, form, '127.0.0.1', extra));
    const rejected = { name: 'FeennexError', kind: 'callback_rejected' };
    assert.throws(() => verify({}), { ...rejected, message: /unexpected field "phone"/ });
    assert.throws(() => verify({ allowFields: ['email'] }), { ...rejected, message: /unexpected field "phone"/ });
    assert.throws(() => verify({ allowFields: [], permissive: false }), { ...rejected, message: /"phone"/ });
    assert.equal(verify({ allowFields: new Set(['phone']) }).phone, '+79001234567');
    const loose = verify({ permissive: true });
    assert.equal(loose.phone, '+79001234567');
    assert.equal(loose.payment_id, delivery.fields.payment_id);
    // Widened, the signature still counts.
    const altered = Buffer.from(delivery.body.toString().replace('phone=%2B79001234567', 'phone=%2B79009999999'));
    assert.notDeepEqual(altered, delivery.body);
    assert.throws(() => feennex.verifyCallback(options(altered, form, '127.0.0.1', { permissive: true })), {
      ...rejected, message: /bad signature/,
    });
  } finally {
    await server.close();
  }
});

test('a field rule that contradicts itself or has the wrong types is refused before anything is checked', () => {
  // Not even signed: a bad rule is reported first.
  const verify = (extra) => feennex.verifyCallback({
    body: 'shop_id=6', contentType: 'application/x-www-form-urlencoded', remoteIp: '127.0.0.1',
    allow: ['127.0.0.1'], secret: SECRET, ...extra,
  });
  const invalid = (field) => ({ name: 'FeennexError', kind: 'invalid_input', field });
  assert.throws(() => verify({ allowFields: ['phone'], permissive: true }), { ...invalid('permissive'), message: /not both/ });
  assert.throws(() => verify({ allowFields: ['phone', ''] }), { ...invalid('allow_fields'), message: /empty/ });
  assert.throws(() => verify({ allowFields: 'phone' }), invalid('allow_fields'));
  assert.throws(() => verify({ allowFields: null }), invalid('allow_fields'));
  assert.throws(() => verify({ allowFields: [7] }), invalid('allow_fields'));
  assert.throws(() => verify({ allowFields: { phone: true } }), invalid('allow_fields'));
  assert.throws(() => verify({ permissive: 'yes' }), invalid('permissive'));
  assert.throws(() => verify({ permissive: 1 }), invalid('permissive'));
  // A good rule gets as far as the signature.
  assert.throws(() => verify({ allowFields: ['phone'] }), { name: 'FeennexError', kind: 'callback_rejected', message: /no sign/ });
});
