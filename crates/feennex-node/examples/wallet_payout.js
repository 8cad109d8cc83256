// A wallet payout made exactly once, and the shop's balance, with the Client on
// fetch. Run against the sandbox:
//   feennex sandbox --listen 127.0.0.1:0 --shop 6:example-secret   # prints the URL
//   FEENNEX_BASE_URL=http://127.0.0.1:PORT FEENNEX_SHOP_ID=6 FEENNEX_SECRET_KEY=example-secret \
//     node examples/wallet_payout.js
'use strict';
const feennex = require('..');

async function main() {
  const client = new feennex.Client({
    shopId: Number(process.env.FEENNEX_SHOP_ID),
    secret: process.env.FEENNEX_SECRET_KEY,
    baseUrl: process.env.FEENNEX_BASE_URL,
  });
  const quote = await client.transferTry({
    amount: '10.50', amount_type: 'receive_amount', payee_currency: 840, shop_currency: 840,
  });
  console.log(`paying 10.50 costs the shop ${quote.write_off_amount}`);

  // Choose the id once and keep it: asking again with it never pays twice.
  const shopPaymentId = `node-example-${Date.now()}`;
  try {
    const outcome = await client.transfer({
      amount: '10.50', amount_type: 'receive_amount', payee_account: '201234567890',
      payee_currency: 840, shop_currency: 840, shop_payment_id: shopPaymentId, description: 'March prize',
    });
    console.log(`payout ${outcome.summary.id}: ${outcome.summary.write_off} written off`
      + (outcome.reconciled ? ' (confirmed by its status)' : ''));
  } catch (error) {
    if (error.kind === 'payout_unresolved') {
      console.log(`outcome unknown: ask again later with client.resumePayout and id ${shopPaymentId}`);
    } else if (error.kind === 'api') {
      console.log(`refused, nothing paid: error ${error.code} (${error.codeName}): ${error.message}`);
    }
    throw error;
  }

  const { balances } = await client.shopBalance();
  for (const balance of balances) console.log(`balance ${balance.currency}: ${balance.available}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
