'use strict';
// Every endpoint through the Client on fetch, against a sandbox on loopback.
const test = require('node:test');
const assert = require('node:assert/strict');

const feennex = require('..');
const { SECRET, SHOP_ID, startSandbox } = require('./sandbox');

// Amounts keep the scale the server wrote (`25.0`); compare their canonical text.
const amount = (text) => feennex.amountText(text);

let sandbox;
let client;
test.before(async () => {
  sandbox = await startSandbox(['--withdrawal-step-ms', '0']);
  client = new feennex.Client({ shopId: SHOP_ID, secret: SECRET, baseUrl: sandbox.baseUrl });
});
test.after(() => sandbox.stop());

test('wallet payouts: precalculate, pay, look up', async () => {
  const quote = await client.transferTry({ amount: '1.11', amount_type: 'receive_amount', payee_currency: 978, shop_currency: 840 });
  assert.equal(quote.payee_amount, '1.11');
  assert.equal(quote.write_off_amount, '1.19');

  const paid = await client.transfer({
    amount: '10.50', amount_type: 'receive_amount', payee_account: '201234567890', payee_currency: 840,
    shop_currency: 840, shop_payment_id: 'node-endpoints-1', description: 'prize',
  });
  assert.equal(paid.reconciled, false);
  assert.equal(paid.creates_sent, 1);
  assert.equal(paid.summary.write_off, '10.5');
  assert.equal(paid.record.created.payee_amount, '10.5');

  const found = await client.transferStatus({ shop_payment_id: 'node-endpoints-1' });
  assert.equal(found.id, paid.summary.id);
  assert.equal(found.write_off_amount, '10.5');

  await assert.rejects(client.transferStatus({ shop_payment_id: 'never-made' }), {
    name: 'FeennexError', kind: 'api', code: 7, codeName: 'OperationNotFound',
  });
});

test('a payout id used twice is unverified or a conflict, adopted only on resume, never paid again', async () => {
  const params = {
    amount: '3', amount_type: 'writeoff_amount', payee_account: 'payee@example.com', payee_currency: 840,
    shop_currency: 840, shop_payment_id: 'node-endpoints-twice',
  };
  const first = await client.transfer(params);
  assert.equal(first.preexisting, false);
  await assert.rejects(client.transfer(params), (error) => {
    assert.equal(error.kind, 'unverified');
    assert.match(error.message, new RegExp(`payout ${first.summary.id} .*payee_account`));
    return true;
  });
  await assert.rejects(client.resumePayout('transfer/create', { ...params, amount: '4' }), (error) => {
    assert.equal(error.kind, 'conflict');
    assert.equal(error.field, 'amount');
    return true;
  });
  const resumed = await client.resumePayout('transfer/create', params);
  assert.equal(resumed.summary.id, first.summary.id);
  assert.equal(resumed.reconciled, true);
  assert.ok(resumed.record.found);
  const ledger = await sandbox.admin.get('transfers');
  assert.equal(ledger.filter((t) => t.shop_payment_id === 'node-endpoints-twice').length, 1);
});

test('bills: create and look up by order id', async () => {
  const bill = await client.billCreate({ payer_currency: 840, shop_amount: '25.00', shop_currency: 840, shop_order_id: 'node-bill-1', description: 'Book' });
  assert.ok(bill.id > 0);
  assert.match(bill.url, /^http/);
  assert.equal(amount(bill.shop_amount), '25');
  const state = await client.billStatus({ shop_order_id: 'node-bill-1' });
  assert.equal(state.id, bill.id);
});

test('invoices: precalculate, then create with the add-on fields the payway asks for', async () => {
  const quote = await client.invoiceTry({ amount: '500', currency: 840, payway: 'card_usd', shop_order_id: 'node-inv-1' });
  assert.ok(Object.keys(quote.add_ons_config).includes('email'));
  assert.equal(typeof quote.payer_price, 'string');
  const created = await client.invoiceCreate({
    amount: '500', currency: 840, payway: 'card_usd', shop_order_id: 'node-inv-1', add_ons: { email: 'payer@example.com' },
  });
  assert.ok(created.id > 0);
  assert.equal(typeof created.url, 'string');
});

test('withdrawals: precalculate, check the account, pay out once, follow the status', async () => {
  const quote = await client.withdrawTry({ amount: '100', amount_type: 'ps_amount', payway: 'card_rub', shop_currency: 643 });
  assert.equal(amount(quote.payee_receive), '100');
  assert.equal(amount(quote.shop_write_off), '101.5');
  const check = await client.checkAccount({ account: '4111111111111111', amount: '100', payway: 'card_rub' });
  assert.equal(check.result, true);
  const made = await client.withdraw({
    account: '4111111111111111', amount: '100', amount_type: 'ps_amount', payway: 'card_rub', shop_currency: 643,
    shop_payment_id: 'node-w-1',
  });
  assert.equal(amount(made.summary.write_off), '101.5');
  const byId = await client.withdrawStatus({ withdraw_id: made.summary.id });
  const byPaymentId = await client.withdrawShopPaymentStatus({ shop_payment_id: 'node-w-1' });
  assert.equal(byId.id, made.summary.id);
  assert.equal(byPaymentId.id, made.summary.id);
  assert.equal(byPaymentId.shop_payment_id, 'node-w-1');
});

test('the balance lists every currency of the shop', async () => {
  const balances = await client.shopBalance();
  const currencies = balances.balances.map((b) => b.currency).sort();
  assert.deepEqual(currencies, [643, 840, 978]);
  for (const balance of balances.balances) assert.equal(typeof balance.available, 'string');
});

test('a wrong secret is refused by the server with error 10, and nothing is paid', async () => {
  const wrong = new feennex.Client({ shopId: SHOP_ID, secret: 'not-the-secret', baseUrl: sandbox.baseUrl });
  await assert.rejects(wrong.payout('transfer/create', {
    amount: '1', amount_type: 'receive_amount', payee_account: '201234567890', payee_currency: 840, shop_currency: 840,
    shop_payment_id: 'node-wrong-secret',
  }), { kind: 'api', code: 10 });
  const ledger = await sandbox.admin.get('transfers');
  assert.equal(ledger.some((t) => t.shop_payment_id === 'node-wrong-secret'), false);
});
