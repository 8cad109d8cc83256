'use strict';
// The dashboard in a real browser, left open while the sandbox is driven from
// the command line and from the page itself: nothing is reloaded by hand.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');

const { eventually, feennex, launchBrowser, startSandbox, startShop } = require('./helpers');

let sandbox;
let shop;
let browser;
let page;

before(async () => {
  sandbox = await startSandbox();
  shop = await startShop(sandbox.baseUrl);
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(sandbox.dashboardUrl);
  await page.locator('#live[data-state="live"]').waitFor();
  // Set once: still there at the end means the page was never reloaded.
  await page.evaluate(() => { window.openedOnce = true; });
});

after(async () => {
  if (page) assert.equal(await page.evaluate(() => window.openedOnce), true, 'the dashboard was reloaded');
  await browser?.close();
  await shop?.stop();
  await sandbox?.stop();
});

test('a payout made from the command line appears on the open dashboard', async () => {
  const made = await feennex(sandbox.baseUrl, ['transfer', 'create', '--amount', '12.34',
    '--payee-currency', 'USD', '--shop-currency', 'USD', '--payee-account', '201234567890',
    '--shop-payment-id', 'cli-payout-1', '--description', 'Prize']);
  assert.equal(made.code, 0, made.stderr);
  const row = page.locator('#transfers tbody tr', { hasText: 'cli-payout-1' });
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  assert.deepEqual(cells.slice(2), ['cli-payout-1', '201234567890', '12.34 USD (840)', '12.34 USD (840)', 'Prize']);
  // The balance moved with it: 1 000 000 less 12.34.
  const usd = page.locator('#balances tbody tr', { hasText: 'USD (840)' });
  await usd.locator('td', { hasText: '999987.66' }).waitFor();

  // Searching by an id keeps only what carries it.
  await feennex(sandbox.baseUrl, ['transfer', 'create', '--amount', '1', '--payee-currency', 'USD',
    '--shop-currency', 'USD', '--payee-account', '201234567890', '--shop-payment-id', 'cli-payout-2']);
  await page.locator('#transfers tbody tr', { hasText: 'cli-payout-2' }).waitFor();
  await page.fill('#search', 'cli-payout-2');
  assert.equal(await page.locator('#transfers tbody tr:visible').count(), 1);
  await page.fill('#search', '');
  assert.equal(await page.locator('#transfers tbody tr:visible').count(), 2);
});

test('a waiting bill is completed from the dashboard and its callback resent', async () => {
  const made = await feennex(sandbox.baseUrl, ['bill', 'create', '--payer-currency', 'USD',
    '--shop-amount', '25', '--shop-currency', 'USD', '--shop-order-id', 'dash-bill-1',
    '--callback-url', `${shop.url}/callback`]);
  assert.equal(made.code, 0, made.stderr);
  const bill = JSON.parse(made.stdout);
  const row = page.locator(`#payments tr[data-payment="bill/${bill.id}"]`);
  await row.locator('.status', { hasText: 'Waiting' }).waitFor();
  await row.getByRole('button', { name: 'Complete' }).click();
  await row.locator('.status', { hasText: 'Paid' }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'Complete' }).count(), 0);

  const [first] = await shop.callbacksOf('dash-bill-1');
  assert.equal(first.fields.status, 'success');
  const card = page.locator(`article[data-callback="bill/${bill.id}"]`);
  await card.locator('tbody tr').first().waitFor();
  assert.deepEqual((await card.locator('tbody tr').first().locator('td').allInnerTexts()).map((t) => t.trim()).filter((_, i) => [0, 1, 3, 4].includes(i)), ['1', '1', '200', 'OK']);

  await card.getByRole('button', { name: 'Resend' }).click();
  const both = await shop.callbacksOf('dash-bill-1', 2);
  assert.deepEqual(both[1].fields, first.fields, 'the same signed callback again');
  await card.locator('tbody tr').nth(1).waitFor();
  assert.equal((await card.locator('tbody tr').nth(1).locator('td').first().innerText()).trim(), '2');
});

test('fault injection is switched on and off from the dashboard', async () => {
  const toggle = page.getByLabel('drop-before on');
  await toggle.check();
  await eventually(async () => (await sandbox.admin.get('faults')).probabilities['drop-before'] === 0.1,
    'drop-before on at its default 0.1');
  const probability = page.getByLabel('drop-before probability');
  await probability.fill('1');
  await probability.press('Tab');
  await eventually(async () => (await sandbox.admin.get('faults')).probabilities['drop-before'] === 1,
    'drop-before at 1');
  const broken = await feennex(sandbox.baseUrl, ['balance', '--timeout', '2']);
  assert.equal(broken.code, 4, 'no usable answer while every request is dropped');
  await page.locator('[data-fault="drop-before"] .injected', { hasText: 'injected' }).waitFor();

  await toggle.uncheck();
  await eventually(async () => (await sandbox.admin.get('faults')).probabilities['drop-before'] === undefined,
    'drop-before off');
  const working = await feennex(sandbox.baseUrl, ['balance']);
  assert.equal(working.code, 0, working.stderr);
});

test('the theme switches between light and dark and stays chosen', async () => {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const initial = await background();
  await page.click('#theme');
  const dark = await page.evaluate(() => document.documentElement.dataset.theme);
  assert.ok(['light', 'dark'].includes(dark));
  assert.notEqual(await background(), initial);
  assert.equal(await page.evaluate(() => localStorage.getItem('feennex-theme')), dark);
  await page.click('#theme');
  assert.equal(await background(), initial);
});
