'use strict';
// Bad input of every kind ends in a thrown FeennexError (or a rejected Promise)
// naming the field: never a crash, never a request sent.
const test = require('node:test');
const assert = require('node:assert/strict');

const feennex = require('..');

const invalid = (field) => ({ name: 'FeennexError', kind: 'invalid_input', ...(field ? { field } : {}) });
const merchant = new feennex.Merchant({ shopId: 6, secret: 'SecretKey01', baseUrl: 'http://127.0.0.1:9' });
const transfer = {
  amount: '1', amount_type: 'receive_amount', payee_account: '201234567890', payee_currency: 840, shop_currency: 840,
  shop_payment_id: 'p-1',
};

test('signing refuses what is not a list of text fields', () => {
  assert.throws(() => feennex.sign(null, 's'), invalid('fields'));
  assert.throws(() => feennex.sign('amount=1', 's'), invalid('fields'));
  assert.throws(() => feennex.sign([['amount']], 's'), invalid('fields'));
  assert.throws(() => feennex.sign({ amount: 1.5 }, 's'), invalid('amount'));
  assert.throws(() => feennex.sign({ amount: {} }, 's'), invalid('amount'));
  assert.throws(() => feennex.sign({ amount: '1' }, ''), invalid('secret'));
  assert.throws(() => feennex.sign({ amount: '1' }, undefined), invalid('secret'));
  // Lone surrogates become U+FFFD on the way in, as in any Node string API.
  assert.match(feennex.sign({ a: '\ud800' }, 's'), /^[0-9a-f]{64}$/);
});

test('a merchant needs a positive shop id, a key and a usable base URL', () => {
  assert.throws(() => new feennex.Merchant({ shopId: 0, secret: 's' }), invalid('shop_id'));
  assert.throws(() => new feennex.Merchant({ shopId: 6.5, secret: 's' }), invalid('shop_id'));
  assert.throws(() => new feennex.Merchant({ shopId: '6', secret: 's' }), invalid('shop_id'));
  assert.throws(() => new feennex.Merchant({ shopId: 6, secret: '' }), invalid('secret'));
  assert.throws(() => new feennex.Merchant({ shopId: 6, secret: 's', baseUrl: 'ftp://x' }), invalid('base_url'));
  // Plain HTTP to another machine would expose payouts on the way.
  assert.throws(() => new feennex.Merchant({ shopId: 6, secret: 's', baseUrl: 'http://example.com' }), invalid('base_url'));
  assert.throws(() => new feennex.Merchant({ shopId: 6, secret: 's', attemptTimeoutMs: -1 }), invalid('attempt_timeout_ms'));
});

test('the secret is never shown', () => {
  const shown = [String(merchant), JSON.stringify(merchant), require('node:util').inspect(merchant, { showHidden: true, depth: 9 })];
  for (const text of shown) assert.doesNotMatch(text, /SecretKey01/);
});

test('requests refuse bad parameters, naming them', () => {
  assert.throws(() => merchant.buildRequest('transfer/nope', {}), invalid('operation'));
  assert.throws(() => merchant.buildRequest('transfer/create', null), invalid('params'));
  assert.throws(() => merchant.buildRequest('transfer/create', []), invalid('params'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, amount: undefined }), invalid('amount'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, amount: 1.5 }), invalid('amount'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, amount: '1e3' }), invalid('amount'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, amount: '0' }), invalid('amount'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, amount_type: 'all' }), invalid('amount_type'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, payee_account: 'x' }), invalid('payee_account'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, payee_currency: 1000 }), invalid('payee_currency'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, shop_payment_id: '' }), invalid('shop_payment_id'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, shop_payment_id: 'a\nb' }), invalid('shop_payment_id'));
  assert.throws(() => merchant.buildRequest('transfer/create', { ...transfer, description: ['x'] }), invalid('description'));
  assert.throws(() => merchant.buildRequest('shop_balance', { now: 'yesterday' }), invalid('now'));
  assert.throws(() => merchant.buildRequest('invoice/create', {
    amount: '1', currency: 840, payway: 'card_usd', shop_order_id: 'o', add_ons: { amount: '2' },
  }), invalid('add_ons'));
  assert.throws(() => merchant.buildRequest('check_account', {
    account: '4111', amount: '1', payway: 'card_rub', account_details: 'x',
  }), invalid('account_details'));
});

test('answers that are not Feennex envelopes are typed failures, whatever the bytes', () => {
  const bodies = ['', '{', 'null', '[]', '{"result":true}', Buffer.from([0xff, 0xfe, 0x00]), 'x'.repeat(100000)];
  for (const operation of feennex.OPERATIONS) {
    for (const body of bodies) {
      assert.throws(() => feennex.parseResponse(operation, 200, body), (error) => error.name === 'FeennexError'
        && ['not_envelope', 'unexpected_data'].includes(error.kind) && error.message.length < 2000);
    }
  }
  assert.throws(() => feennex.parseResponse('shop_balance', 99, '{}'), invalid('status'));
  assert.throws(() => feennex.parseResponse('shop_balance', 200, 42), invalid('body'));
});

test('the client refuses to send a payout the unsafe way, and a machine polled out of turn ends', async () => {
  const client = new feennex.Client({ shopId: 6, secret: 's', baseUrl: 'http://127.0.0.1:9' });
  await assert.rejects(client.call('transfer/create', transfer), invalid('operation'));
  await assert.rejects(client.payout('transfer/try', {}), invalid('operation'));
  await assert.rejects(client.transferTry({ amount: 'ten' }), invalid('amount'));

  const machine = merchant.machine('transfer/create', transfer);
  assert.equal(machine.poll().step, 'send');
  const outOfTurn = machine.poll();
  assert.equal(outOfTurn.step, 'failed');
  assert.equal(outOfTurn.error.kind, 'out_of_turn');
  assert.throws(() => machine.receiveResponse(1000, '{}'), invalid('status'));
});

test('a connection refused before sending is retried, then reported as never sent', async () => {
  // A loopback port just freed: nothing listens, so every attempt is refused before it leaves.
  const server = require('node:net').createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const client = new feennex.Client({ shopId: 6, secret: 's', baseUrl: `http://127.0.0.1:${port}`, attemptTimeoutMs: 200 });
  await assert.rejects(client.shopBalance(), (error) => error.kind === 'transport_not_sent' && !error.outcomeUnknown);
});

test('an answer larger than the limit is a failure after sending, never read whole', async () => {
  const http = require('node:http');
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests += 1;
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(`{"data":{"balances":[]},"pad":"${'x'.repeat(4096)}","error_code":0,"message":"Ok","result":true}`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const baseUrl = `http://127.0.0.1:${server.address().port}`;
    const client = new feennex.Client({ shopId: 6, secret: 's', baseUrl, attemptTimeoutMs: 500, maxResponseBytes: 1024 });
    await assert.rejects(client.shopBalance(), (error) => error.kind === 'transport' && /larger than 1024 bytes/.test(error.message));
    assert.ok(requests >= 2, `a read is retried: ${requests} request(s)`);
    // The same answer under the default limit is read.
    const roomy = new feennex.Client({ shopId: 6, secret: 's', baseUrl });
    assert.deepEqual((await roomy.shopBalance()).balances, []);
    assert.ok(feennex.DEFAULT_MAX_RESPONSE_BYTES >= 1024 * 1024);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
