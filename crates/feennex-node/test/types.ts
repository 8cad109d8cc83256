// Compiled by `tsc --noEmit --strict` in CI: the declarations describe the package
// as its tests use it.
import * as feennex from 'feennex';

async function example(): Promise<string> {
  const client = new feennex.Client({ shopId: 6, secret: 'secret', baseUrl: 'http://127.0.0.1:8080' });
  const quote: feennex.TransferQuote = await client.transferTry({
    amount: '1.11', amount_type: 'receive_amount', payee_currency: 978, shop_currency: 840,
  });
  const paid = await client.transfer({
    amount: quote.payee_amount, amount_type: 'receive_amount', payee_account: '201234567890',
    payee_currency: 978, shop_currency: 840, shop_payment_id: 'order-42',
  });
  const balances = await client.shopBalance();
  const request: feennex.SignedRequest = client.merchant.buildRequest('shop_balance', {});
  const machine = client.merchant.machine('withdraw/create', {
    account: '4111111111111111', amount: '100', amount_type: 'ps_amount', payway: 'card_rub', shop_currency: 643,
    shop_payment_id: 'w-1',
  });
  const step = machine.poll();
  if (step.step === 'done') console.log(step.value.summary.write_off);
  try {
    feennex.verifyCallback({ body: '', contentType: 'application/json', remoteIp: '127.0.0.1', allow: ['127.0.0.1'], secret: 's' });
    const fields: Record<string, string | null> = feennex.verifyCallback({
      body: Buffer.from(''), contentType: 'application/json', remoteIp: '127.0.0.1', checkedUpstream: true, secret: 's',
      allowFields: ['phone'],
    });
    feennex.verifyCallback({ body: '', contentType: 'application/json', remoteIp: '127.0.0.1', allow: ['127.0.0.1'], secret: 's', permissive: true });
    console.log(fields.phone);
  } catch (error) {
    if (error instanceof feennex.FeennexError && error.code === 9) console.log(error.codeName);
  }
  return `${paid.summary.id} ${balances.balances.length} ${request.url} ${feennex.sign({ a: '1' }, 's')}`;
}

void example;
