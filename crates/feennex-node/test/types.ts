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
    if (error instanceof feennex.FeennexError && error.kind === 'callback_rejected') console.log(error.reason);
  }
  const signer = new feennex.Signer('secret');
  const verified: boolean = signer.verify({ a: '1' }, signer.sign({ a: '1' }));
  const page = client.merchant.payPage({ amount: '10', currency: 643, shop_order_id: '101', lang: 'ru' });
  const fromShop: Record<string, string | null> = client.merchant.verifyCallback({
    body: '', contentType: 'application/json', remoteIp: '127.0.0.1', allow: ['127.0.0.1'],
    order: { shop_order_id: '101', amount: '10', currency: 643 },
  });
  const strict = new feennex.Client({ shopId: 6, secret: 's', maxCreates: 2, maxStatusChecks: 5, totalTimeoutMs: 60000 });
  const kinds: readonly feennex.FailureKind[] = feennex.FAILURE_KINDS;
  const bill: feennex.Bill = await client.billCreate({
    payer_currency: 840, shop_amount: '5', shop_currency: 840, shop_order_id: 'o', extra_fields: { lang: 'ru' },
  });
  console.log(verified, page.action, fromShop.status, strict.merchant.maxResponseBytes, kinds.length, bill.id,
    paid.preexisting, feennex.withdrawStatusIsFinal(4));
  return `${paid.summary.id} ${balances.balances.length} ${request.url} ${feennex.sign({ a: '1' }, 's')}`;
}

void example;
