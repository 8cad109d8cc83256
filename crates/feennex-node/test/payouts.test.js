'use strict';
// 100 payouts through the Client under every kind of injected fault: each ends
// paid, and the sandbox's ledger holds each exactly once with the amount asked.
const test = require('node:test');
const assert = require('node:assert/strict');

const feennex = require('..');
const { SECRET, SHOP_ID, startSandbox } = require('./sandbox');

const PAYOUTS = 100;
const CONCURRENCY = 10;
// A `delay` fault holds the answer longer than an attempt may last.
const ATTEMPT_MS = 400;
const DELAY_MS = 1000;

let sandbox;
test.before(async () => {
  sandbox = await startSandbox();
});
test.after(() => sandbox.stop());

async function payAll(client, ids, amountOf) {
  const outcomes = new Map();
  const queue = [...ids];
  async function worker() {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const params = {
        amount: amountOf(id), amount_type: 'writeoff_amount', payee_account: '201234567890', payee_currency: 840,
        shop_currency: 840, shop_payment_id: id,
      };
      try {
        outcomes.set(id, await client.transfer(params));
      } catch (error) {
        // Unresolved within the limits: the same id is asked again later, never paid anew.
        assert.equal(error.kind, 'payout_unresolved', `${id}: ${error.message}`);
        outcomes.set(id, { unresolved: params });
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

test('100 payouts under injected faults are each paid exactly once', async () => {
  await sandbox.admin.post('faults', {
    probabilities: { 'drop-before': 0.05, 'drop-after': 0.08, 'http-502': 0.05, garbage: 0.05, truncate: 0.05, delay: 0.04 },
    seed: 1313,
    delay_ms: DELAY_MS,
  });
  const client = new feennex.Client({ shopId: SHOP_ID, secret: SECRET, baseUrl: sandbox.baseUrl, attemptTimeoutMs: ATTEMPT_MS });
  const ids = Array.from({ length: PAYOUTS }, (_, i) => `node-fault-${i}`);
  const amountOf = (id) => `${1 + Number(id.split('-').pop())}.25`;
  const outcomes = await payAll(client, ids, amountOf);

  const injected = (await sandbox.admin.get('faults')).injected;
  await sandbox.admin.post('faults', { probabilities: {} });
  for (const kind of ['drop-before', 'drop-after', 'http-502', 'garbage', 'truncate', 'delay']) {
    assert.ok((injected[kind] ?? 0) > 0, `no ${kind} fault was injected: ${JSON.stringify(injected)}`);
  }

  // Payouts left unresolved are settled by their status, with the same id.
  for (const [id, outcome] of outcomes) {
    if (outcome.unresolved) outcomes.set(id, await client.resumePayout('transfer/create', outcome.unresolved));
  }

  const ledger = await sandbox.admin.get('transfers');
  assert.equal(ledger.length, PAYOUTS);
  let reconciled = 0;
  for (const id of ids) {
    const entries = ledger.filter((transfer) => transfer.shop_payment_id === id);
    assert.equal(entries.length, 1, `${id} is in the ledger ${entries.length} times`);
    const outcome = outcomes.get(id);
    assert.equal(outcome.summary.id, entries[0].id, id);
    assert.equal(feennex.amountText(outcome.summary.write_off), amountOf(id), id);
    assert.equal(feennex.amountText(String(entries[0].write_off_amount)), amountOf(id), id);
    if (outcome.reconciled) reconciled += 1;
  }
  // Some answers were lost, so some payouts were learnt from their status.
  assert.ok(reconciled > 0, 'no payout was reconciled');
});
