#!/usr/bin/env node
// Signatures per second: through the binding (`Signer.sign`, which keeps the key,
// and `feennex.sign`) and with node:crypto doing the same work in plain
// JavaScript (sort the names, join the values with `:`, append the secret,
// SHA-256 hex). Rounds alternate in one process so that all meet the same machine
// state; the median round is reported.
'use strict';
const crypto = require('node:crypto');
const feennex = require('..');

const SECRET = 'SecretKey01';
const FIELDS = {
  amount: '10.5', amount_type: 'receive_amount', payee_account: '201234567890', payee_currency: '840',
  shop_currency: '840', shop_id: '6', shop_payment_id: 'order-42',
};

function nodeClientSign(fields, secret) {
  const text = Object.keys(fields).sort().map((name) => fields[name]).join(':') + secret;
  return crypto.createHash('sha256').update(text).digest('hex');
}

const merchant = new feennex.Merchant({ shopId: 6, secret: SECRET });
const create = { ...FIELDS };
delete create.shop_id;

const signer = new feennex.Signer(SECRET);

const contenders = {
  'Signer.sign (binding, key kept)': () => signer.sign(FIELDS),
  'feennex.sign (binding)': () => feennex.sign(FIELDS, SECRET),
  'node:crypto, the same work in JavaScript': () => nodeClientSign(FIELDS, SECRET),
  'Merchant.buildRequest (binding, whole signed request)': () => merchant.buildRequest('transfer/create', create),
};

if (feennex.sign(FIELDS, SECRET) !== nodeClientSign(FIELDS, SECRET) || signer.sign(FIELDS) !== nodeClientSign(FIELDS, SECRET)) {
  throw new Error('the signers disagree');
}

const PER_ROUND = Number(process.env.PER_ROUND ?? 100000);
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const rates = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let round = 0; round < ROUNDS + 1; round += 1) {
  for (const [name, work] of Object.entries(contenders)) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i += 1) work();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (round > 0) rates[name].push(PER_ROUND / seconds); // round 0 warms up
  }
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`node ${process.version}, ${ROUNDS} rounds of ${PER_ROUND} calls each, median:`);
for (const [name, values] of Object.entries(rates)) {
  console.log(`  ${name.padEnd(56)} ${Math.round(median(values)).toLocaleString('en')} /s`);
}
