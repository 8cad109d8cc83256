'use strict';
// Makes the README's picture of the dashboard: a sandbox with a little of
// everything in it (payouts, payments paid and waiting, callbacks answered and
// refused, a fault switched on), photographed in headless Chromium.
//
//   npm run screenshot [-- OUTPUT.png]      (default: docs/dashboard.png)

const path = require('node:path');

const { feennex, launchBrowser, startSandbox, startShop } = require('../test/helpers');

const OUTPUT = path.resolve(process.argv[2] ?? path.join(__dirname, '../../../docs/dashboard.png'));

async function main() {
  const sandbox = await startSandbox(['--withdrawal-step-ms', '60000', '--fault', 'delay=0.05']);
  const shop = await startShop(sandbox.baseUrl);
  const browser = await launchBrowser();
  try {
    const run = async (args) => {
      const made = await feennex(sandbox.baseUrl, args);
      if (made.code !== 0) throw new Error(`feennex ${args.join(' ')}: ${made.stderr}`);
      return made.stdout ? JSON.parse(made.stdout) : null;
    };
    for (const [id, amount, currency] of [['prize-0412', '150', 'USD'], ['refund-881', '42.50', 'EUR'], ['prize-0413', '75', 'USD']]) {
      await run(['transfer', 'create', '--amount', amount, '--payee-currency', currency, '--shop-currency', currency,
        '--payee-account', '201234567890', '--shop-payment-id', id, '--description', 'March prizes']);
    }
    await run(['withdraw', 'create', '--account', '4111111111111111', '--amount', '2500', '--amount-type', 'ps_amount',
      '--payway', 'card_rub', '--shop-currency', 'RUB', '--shop-payment-id', 'withdraw-77']);
    const paid = await run(['bill', 'create', '--payer-currency', 'USD', '--shop-amount', '25', '--shop-currency', 'USD',
      '--shop-order-id', 'order-1001', '--callback-url', `${shop.url}/callback`]);
    await run(['sandbox', 'complete', '--base-url', sandbox.baseUrl, '--kind', 'bill', '--id', String(paid.id)]);
    const refused = await run(['bill', 'create', '--payer-currency', 'EUR', '--shop-amount', '19.90', '--shop-currency', 'EUR',
      '--shop-order-id', 'order-1002', '--callback-url', `${shop.url}/not-here`]);
    await run(['sandbox', 'complete', '--base-url', sandbox.baseUrl, '--kind', 'bill', '--id', String(refused.id)]);
    await run(['invoice', 'create', '--amount', '1200', '--currency', 'RUB', '--payway', 'card_rub',
      '--shop-order-id', 'order-1003', '--callback-url', `${shop.url}/callback`]);
    await shop.callbacksOf('order-1001');
    // Let the refused callback be tried a few times.
    await new Promise((resolve) => setTimeout(resolve, 3500));

    const page = await browser.newPage({ viewport: { width: 1440, height: 1280 }, colorScheme: 'light' });
    await page.goto(sandbox.dashboardUrl);
    await page.locator('#live[data-state="live"]').waitFor();
    await page.locator('#payments tbody tr', { hasText: 'order-1003' }).waitFor();
    await page.screenshot({ path: OUTPUT, fullPage: false });
    console.log(`wrote ${OUTPUT}`);
  } finally {
    await browser.close();
    await shop.stop();
    await sandbox.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
