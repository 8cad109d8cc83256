'use strict';
// The published signature vectors and the signed request of every endpoint, byte
// for byte, checked against SHA-256 computed here with node:crypto.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const feennex = require('..');
const { REPO } = require('./sandbox');

const DATA = path.join(REPO, 'crates/feennex-proto/tests/data');
const published = JSON.parse(fs.readFileSync(path.join(DATA, 'published_vectors.json'), 'utf8'));
const requests = JSON.parse(fs.readFileSync(path.join(DATA, 'request_vectors.json'), 'utf8'));

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

test('every published vector signs to its published signature', () => {
  assert.ok(published.vectors.length >= 5);
  for (const vector of published.vectors) {
    assert.equal(feennex.stringToSign(vector.fields), vector.string_to_sign);
    assert.equal(feennex.sign(vector.fields, vector.secret), vector.sign);
    // The same fields as [name, value] pairs in another order sign the same.
    assert.equal(feennex.sign(Object.entries(vector.fields).reverse(), vector.secret), vector.sign);
  }
});

test('amounts take their one canonical text, and what the server would print otherwise is refused', () => {
  assert.equal(feennex.amountText('10.50'), '10.5');
  assert.equal(feennex.amountText('10.00'), '10');
  assert.equal(feennex.amountText('0.0001'), '0.0001');
  assert.equal(feennex.amountText(25), '25');
  assert.equal(feennex.amountText(25n), '25');
  for (const bad of ['1e5', '0', '-1', '0.00001', '', '1,5', '1234567890123456']) {
    assert.throws(() => feennex.amountText(bad), { name: 'FeennexError', kind: 'invalid_input', field: 'amount' }, bad);
  }
  assert.throws(() => feennex.amountText(10.5), { kind: 'invalid_input', message: /as strings/ });
});

const NOW = '2024-04-12T06:18:34.719Z';
const PARAMS = {
  'transfer/try': { amount: '1.110', amount_type: 'receive_amount', payee_currency: 978, shop_currency: 840 },
  'transfer/create': {
    amount: '10.50', amount_type: 'writeoff_amount', payee_account: 'user@example.com', payee_currency: 840,
    shop_currency: 978, shop_payment_id: 'payout-"1"', description: 'Prize\nпервый',
  },
  'transfer/shop_payment_status': { now: NOW, shop_payment_id: 'payout-1' },
  'bill/create': {
    payer_currency: 840, shop_amount: '25.00', shop_currency: 840, shop_order_id: 'order-7', description: 'Book',
    payer_account: '201234567890', success_url: 'https://shop.test/ok', callback_url: 'https://shop.test/cb',
  },
  'bill/shop_order_status': { now: NOW, shop_order_id: 'order-7' },
  'invoice/try': { amount: 500, currency: '840', payway: 'card_usd', shop_order_id: '99991' },
  'invoice/create': {
    amount: '10.50', currency: 643, payway: 'qiwi_rub', shop_order_id: 'o/1 &2',
    add_ons: { phone: '+79990001122', email: 'a@b.co' }, description: 'Заказ', failed_url: 'https://shop.test/fail',
  },
  'withdraw/try': { amount: '100', amount_type: 'ps_amount', payway: 'card_rub', shop_currency: 643 },
  check_account: { account: '4111111111111111', amount: '100.25', payway: 'card_rub', account_details: { holder: 'IVAN PETROV' } },
  'withdraw/create': {
    account: '79990001122', amount: '0.0100', amount_type: 'shop_amount', payway: 'qiwi_rub', shop_currency: 643,
    shop_payment_id: 'w-1', account_details: { zip: 101000, city: 'Moscow' },
  },
  'withdraw/status': { now: NOW, withdraw_id: 4294967296n },
  'withdraw/shop_payment_status': { now: NOW, shop_payment_id: 'w-1' },
  shop_balance: { now: NOW },
};

test('every endpoint builds the signed request of its vector, byte for byte', () => {
  const merchant = new feennex.Merchant({ shopId: 6, secret: 'SecretKey01', baseUrl: 'http://127.0.0.1:9/api/' });
  assert.deepEqual([...feennex.OPERATIONS].sort(), Object.keys(requests.vectors).sort());
  for (const operation of feennex.OPERATIONS) {
    const stored = requests.vectors[operation];
    const body = stored.body.replace('SIGN', sha256(stored.string_to_sign + 'SecretKey01'));
    assert.equal(merchant.stringToSign(operation, PARAMS[operation]), stored.string_to_sign, operation);
    const request = merchant.buildRequest(operation, PARAMS[operation]);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `http://127.0.0.1:9/api/${operation}`);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(request.body, body, operation);
  }
});

test('answers parse into typed data with amounts as exact decimal strings', () => {
  const body = '{"data":{"balance":89.5,"id":7,"payee_account":201234567890,"payee_amount":10.5,'
    + '"payee_currency":840,"shop":6,"shop_currency":840,"write_off_amount":"10.10","new_field":1},'
    + '"error_code":0,"message":"Ok","result":true}';
  const created = feennex.parseResponse('transfer/create', 200, body);
  assert.equal(created.id, 7);
  assert.equal(created.write_off_amount, '10.10');
  assert.equal(created.balance, '89.5');
  assert.equal(created.payee_account, '201234567890');
  assert.equal(created.new_field, undefined);
});

test('an error envelope throws the API code, and a proxy page says the outcome is unknown', () => {
  const refused = '{"data":null,"error_code":6,"message":"Shop_payment_id \'1\' is not unique","result":false}';
  assert.throws(() => feennex.parseResponse('transfer/create', 400, refused), {
    name: 'FeennexError', kind: 'api', code: 6, codeName: 'OperationNotUnique', httpStatus: 400, outcomeUnknown: false,
  });
  const unknown = '{"data":null,"error_code":77,"message":"new","result":false}';
  assert.throws(() => feennex.parseResponse('shop_balance', 200, unknown), { kind: 'api', code: 77, codeName: 'Unknown' });
  assert.throws(() => feennex.parseResponse('transfer/create', 502, '<html>Bad Gateway</html>'), {
    kind: 'not_envelope', httpStatus: 502, outcomeUnknown: true,
  });
});
