'use strict';
// index.d.ts against the Rust types: every answer's fields, the payout outcome's,
// the failure kinds. The Rust core serializes every field of its answer types
// (null when absent), so the keys of a parsed answer are the Rust type's fields;
// each must be declared in the interface, and each declared field must exist.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const feennex = require('..');
const { SECRET, SHOP_ID, startSandbox } = require('./sandbox');

const declarations = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');

/** The fields an interface of index.d.ts declares (its own and those it extends). */
function declared(name) {
  const match = new RegExp(`export interface ${name}(?:<[^>]*>)?(?: extends ([\\w, ]+))? \\{([\\s\\S]*?)\\n?\\}\\n`).exec(declarations);
  assert.ok(match, `index.d.ts has no interface ${name}`);
  const body = match[2].replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const fields = new Set();
  // Top-level members only: skip what nested braces hold.
  let depth = 0;
  let token = '';
  for (const char of body) {
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    if (depth === 0 && (char === ';' || char === '\n')) {
      const field = /^\s*'?([\w/]+)'?\??\s*:/.exec(token);
      if (field) fields.add(field[1]);
      token = '';
    } else if (depth === 0) {
      token += char;
    }
  }
  const last = /^\s*'?([\w/]+)'?\??\s*:/.exec(token);
  if (last) fields.add(last[1]);
  for (const parent of (match[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    for (const field of declared(parent)) fields.add(field);
  }
  return fields;
}

function assertSameFields(interfaceName, value) {
  const rust = new Set(Object.keys(value));
  const typescript = declared(interfaceName);
  assert.deepEqual([...typescript].sort(), [...rust].sort(), `${interfaceName}: index.d.ts and the Rust type disagree`);
}

let sandbox;
let client;
test.before(async () => {
  sandbox = await startSandbox(['--withdrawal-step-ms', '0']);
  client = new feennex.Client({ shopId: SHOP_ID, secret: SECRET, baseUrl: sandbox.baseUrl });
});
test.after(() => sandbox.stop());

test('every answer interface of index.d.ts has exactly the fields of the Rust type', async () => {
  const order = `node-stubs-${Date.now()}`;
  assertSameFields('TransferQuote', await client.transferTry({ amount: '1.11', amount_type: 'receive_amount', payee_currency: 978, shop_currency: 840 }));
  const transfer = await client.transfer({
    amount: '2', amount_type: 'receive_amount', payee_account: '201234567890', payee_currency: 840, shop_currency: 840,
    shop_payment_id: `${order}-t`,
  });
  assertSameFields('PayoutOutcome', transfer);
  assertSameFields('PayoutSummary', transfer.summary);
  assertSameFields('TransferCreated', transfer.record.created);
  assertSameFields('TransferPayout', await client.transferStatus({ shop_payment_id: `${order}-t` }));
  assertSameFields('Bill', await client.billCreate({ payer_currency: 840, shop_amount: '5', shop_currency: 840, shop_order_id: `${order}-b` }));
  assertSameFields('BillState', await client.billStatus({ shop_order_id: `${order}-b` }));
  assertSameFields('InvoiceQuote', await client.invoiceTry({ amount: '500', currency: 643, payway: 'card_rub', shop_order_id: `${order}-i` }));
  assertSameFields('InvoiceCreated', await client.invoiceCreate({ amount: '500', currency: 643, payway: 'card_rub', shop_order_id: `${order}-i` }));
  assertSameFields('WithdrawQuote', await client.withdrawTry({ amount: '100', amount_type: 'ps_amount', payway: 'card_rub', shop_currency: 643 }));
  assertSameFields('AccountCheck', await client.checkAccount({ account: '4111111111111111', amount: '100', payway: 'card_rub' }));
  const withdrawal = await client.withdraw({
    account: '4111111111111111', amount: '100', amount_type: 'ps_amount', payway: 'card_rub', shop_currency: 643,
    shop_payment_id: `${order}-w`,
  });
  assertSameFields('Withdrawal', withdrawal.record.created);
  assertSameFields('Withdrawal', await client.withdrawStatus({ withdraw_id: withdrawal.summary.id }));
  const balances = await client.shopBalance();
  assertSameFields('ShopBalances', balances);
  assertSameFields('Balance', balances.balances[0]);
});

test('the FailureKind union of index.d.ts is the core table of kinds', () => {
  const union = /export type FailureKind =([^;]*);/.exec(declarations)[1];
  const kinds = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(kinds, [...feennex.FAILURE_KINDS].sort());
});
