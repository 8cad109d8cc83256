'use strict';
// A shop's whole purchase in a real browser: the shop's page, the sandbox's pay
// page, the payer's choice, the callback to the shop, and the way back.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');

const { CALLBACK_FROM, SHOP_ID, callbackSignature, launchBrowser, startSandbox, startShop } = require('./helpers');

let sandbox;
let shop;
let browser;

before(async () => {
  sandbox = await startSandbox();
  shop = await startShop(sandbox.baseUrl);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.stop();
  await sandbox?.stop();
});

function paymentOf(payments, order) {
  return payments.find((payment) => payment.shop_order_id === order);
}

test('a payer pays by GET link and comes back to success_url with the callback delivered', async () => {
  const page = await browser.newPage();
  await page.goto(`${shop.url}/product?order=link-1`);
  await page.click('#pay-link');
  await page.waitForURL(`${sandbox.baseUrl}/en/pay?**`);
  const card = page.locator('main.card');
  for (const text of ['link-1', '1500.00 RUB', 'Tea set link-1', `${SHOP_ID}`]) {
    assert.match(await card.innerText(), new RegExp(text.replace('.', '\\.')));
  }
  // The payer picks card_rub: 1500 RUB and its 3 % fee.
  const cardRub = page.getByLabel(/card_rub/);
  assert.match(await page.locator('label.way', { hasText: 'card_rub' }).innerText(), /1545\.00 RUB/);
  await cardRub.check();
  await page.getByRole('button', { name: 'Pay', exact: true }).click();

  await page.waitForURL(`${shop.url}/success?order=link-1`);
  assert.equal(await page.locator('#result').innerText(), 'Order link-1 is being paid.');

  const [callback] = await shop.callbacksOf('link-1');
  assert.equal(callback.from, CALLBACK_FROM);
  assert.equal(callback.accepted, true);
  assert.equal(callback.fields.sign, callbackSignature(callback.fields));
  assert.equal(callback.fields.status, 'success');
  assert.equal(callback.fields.payway, 'card_rub');
  assert.equal(callback.fields.shop_amount, '1500.0');
  assert.equal(callback.fields.client_price, '1545.0');

  const payment = paymentOf(await sandbox.admin.get('payments'), 'link-1');
  assert.equal(payment.kind, 'invoice');
  assert.equal(payment.status, 4);
  assert.equal(String(payment.id), callback.fields.payment_id);
  const attempts = (await sandbox.admin.get('callbacks')).filter((a) => a.payment_id === payment.id);
  assert.deepEqual(attempts.map((a) => [a.http_status, a.answer, a.delivered]), [[200, 'OK', true]]);
  await page.close();
});

test('a payer declines a POST form and comes back to failed_url with a rejected callback', async () => {
  const page = await browser.newPage();
  await page.goto(`${shop.url}/product?order=form-1`);
  await page.getByRole('button', { name: 'Pay by form' }).click();
  await page.waitForURL(`${sandbox.baseUrl}/en/pay`);
  assert.match(await page.locator('main.card').innerText(), /form-1/);
  await page.getByRole('button', { name: 'Decline', exact: true }).click();

  await page.waitForURL(`${shop.url}/failed?order=form-1`);
  assert.equal(await page.locator('#result').innerText(), 'Order form-1 was not paid.');

  const [callback] = await shop.callbacksOf('form-1');
  assert.equal(callback.accepted, true);
  assert.equal(callback.fields.status, 'rejected');
  const payment = paymentOf(await sandbox.admin.get('payments'), 'form-1');
  // Declined with the way preselected, the wallet: a canceled bill.
  assert.deepEqual([payment.kind, payment.status, payment.payway], ['bill', 3, 'feennex_wallet']);

  // Back and submitting again pays nothing: the order is finished.
  await page.goto(`${shop.url}/product?order=form-1`);
  await page.getByRole('button', { name: 'Pay by form' }).click();
  await page.waitForURL(`${sandbox.baseUrl}/en/pay`);
  assert.match(await page.locator('[role="alert"]').innerText(), /already has a payment: bill/);
  assert.equal((await sandbox.admin.get('payments')).filter((p) => p.shop_order_id === 'form-1').length, 1);
  await page.close();
});

test('a tampered link shows the reason and pays nothing', async () => {
  const page = await browser.newPage();
  await page.goto(`${shop.url}/product?order=tampered-1`);
  const href = await page.locator('#pay-link').getAttribute('href');
  const response = await page.goto(href.replace('amount=1500', 'amount=15'));
  assert.equal(response.status(), 400);
  assert.match(await page.locator('[role="alert"]').innerText(), /Invalid sign, string_to_sign: 15:643:6:tampered-1/);
  assert.equal(paymentOf(await sandbox.admin.get('payments'), 'tampered-1'), undefined);
  await page.close();
});

test('an invoice followed as its answer says is paid on the payer page', async () => {
  const page = await browser.newPage();
  await page.goto(`${shop.url}/invoice?order=invoice-1`);
  // The shop's form posts the answer's data to its url: the payer page, not a 405.
  await page.waitForURL(`${sandbox.baseUrl}/_sandbox/pay/invoice/*`);
  assert.match(await page.locator('main.card').innerText(), /invoice-1[\s\S]*721\.00 RUB[\s\S]*Waiting/);
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await page.waitForURL(`${shop.url}/success?order=invoice-1`);
  const [callback] = await shop.callbacksOf('invoice-1');
  assert.equal(callback.fields.status, 'success');
  assert.equal(paymentOf(await sandbox.admin.get('payments'), 'invoice-1').status, 4);
  await page.close();
});
