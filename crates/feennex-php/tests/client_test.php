<?php
// The curl client against the sandbox: every operation, API errors with their
// code, and payouts under the sandbox's faults, each once in its ledger.

declare(strict_types=1);

use Feennex\FeennexException;

test('wallet payouts: precalculate, pay once, look up', function (): void {
    $client = Support::client();
    $quote = $client->call('transfer/try', ['amount' => '1.11', 'amount_type' => 'receive_amount', 'payee_currency' => 978, 'shop_currency' => 840]);
    same(['1.11', '1.19'], [$quote['payee_amount'], $quote['write_off_amount']], 'quote');
    $id = Support::unique('php-t');
    $paid = $client->payout('transfer/create', ['amount' => '10.50', 'amount_type' => 'receive_amount',
        'payee_account' => '201234567890', 'payee_currency' => 840, 'shop_currency' => 840, 'shop_payment_id' => $id,
        'description' => 'prize']);
    same([false, false, 1, '10.5'], [$paid['reconciled'], $paid['preexisting'], $paid['creates_sent'], $paid['summary']['write_off']], 'paid');
    $same = ['amount' => '10.50', 'amount_type' => 'receive_amount', 'payee_account' => '201234567890',
        'payee_currency' => 840, 'shop_currency' => 840, 'shop_payment_id' => $id];
    // The same id again: the payout existed before this call, so nothing shows it
    // is this request's (unverified); with other details, a conflict naming the
    // field; adopted only on resume, which says the id is the caller's.
    $unverified = throws(FeennexException::class, fn () => $client->payout('transfer/create', $same));
    same('unverified', $unverified->kind, 'the same id again');
    same($paid['summary']['id'], $unverified->payoutId, 'the payout found');
    $conflict = throws(FeennexException::class, fn () => $client->payout('transfer/create', ['amount' => '11'] + $same, true));
    same(['conflict', 'amount'], [$conflict->kind, $conflict->field], 'other details');
    $again = $client->payout('transfer/create', $same, true);
    same([$paid['summary']['id'], true], [$again['summary']['id'], $again['reconciled']], 'adopted on resume');
    $found = $client->call('transfer/shop_payment_status', ['shop_payment_id' => $id]);
    same($paid['summary']['id'], $found['id'], 'status');
    $ledger = array_filter(Support::admin('GET', 'transfers'), fn ($t) => $t['shop_payment_id'] === $id);
    same(1, count($ledger), 'paid once');
    $missing = throws(FeennexException::class, fn () => $client->call('transfer/shop_payment_status', ['shop_payment_id' => Support::unique('none')]));
    same(['api', 7, 'OperationNotFound'], [$missing->kind, $missing->getCode(), $missing->codeName], 'not found');
    $payout = throws(FeennexException::class, fn () => $client->call('transfer/create', []));
    same('operation', $payout->field, 'a payout is not a call');
});

test('bills, invoices, withdrawals and the balance', function (): void {
    $client = Support::client();
    $order = Support::unique('php-o');
    $bill = $client->call('bill/create', ['payer_currency' => 840, 'shop_amount' => '25.00', 'shop_currency' => 840,
        'shop_order_id' => $order, 'extra_fields' => ['lang' => 'ru']]);
    check($bill['id'] > 0 && str_starts_with($bill['url'], 'http'), 'bill');
    same($bill['id'], $client->call('bill/shop_order_status', ['shop_order_id' => $order])['id'], 'bill status');
    $quote = $client->call('invoice/try', ['amount' => '500', 'currency' => 840, 'payway' => 'card_usd', 'shop_order_id' => $order]);
    check(array_key_exists('email', $quote['add_ons_config']), 'add-ons');
    $invoice = $client->call('invoice/create', ['amount' => '500', 'currency' => 840, 'payway' => 'card_usd',
        'shop_order_id' => $order, 'add_ons' => ['email' => 'payer@example.com']]);
    check($invoice['id'] > 0, 'invoice');
    $id = Support::unique('php-w');
    $withdrawal = $client->payout('withdraw/create', ['account' => '4111111111111111', 'amount' => '100',
        'amount_type' => 'ps_amount', 'payway' => 'card_rub', 'shop_currency' => 643, 'shop_payment_id' => $id]);
    same('101.5', Feennex\amount_text($withdrawal['summary']['write_off']), 'write-off');
    same($id, $client->call('withdraw/status', ['withdraw_id' => $withdrawal['summary']['id']])['shop_payment_id'], 'by id');
    $balances = $client->call('shop_balance');
    $currencies = array_map(fn ($b) => $b['currency'], $balances['balances']);
    sort($currencies);
    same([643, 840, 978], $currencies, 'balances');
});

test('a refused connection is reported as never sent, after the core\'s retries', function (): void {
    $client = new Feennex\Client(6, 'k', 'http://127.0.0.1:9', ['max_creates' => 2, 'total_timeout_ms' => 3000]);
    $error = throws(FeennexException::class, fn () => $client->call('shop_balance'));
    same(['transport_not_sent', false], [$error->kind, $error->outcomeUnknown], 'refused');
});

test('payouts under the sandbox\'s faults are each made once, and each outcome is the ledger\'s', function (): void {
    $client = Support::client(['attempt_timeout_ms' => 1500, 'max_status_checks' => 30, 'total_timeout_ms' => 120000]);
    Support::admin('POST', 'faults', ['probabilities' => ['drop-before' => 0.1, 'drop-after' => 0.15,
        'http-502' => 0.1, 'garbage' => 0.1, 'truncate' => 0.1, 'delay' => 0.05], 'seed' => 23, 'delay_ms' => 2500]);
    $outcomes = [];
    try {
        for ($i = 0; $i < 30; $i++) {
            $id = Support::unique("php-fault-$i");
            $operation = $i % 3 === 0 ? 'withdraw/create' : 'transfer/create';
            $params = $operation === 'transfer/create'
                ? ['amount' => '1.25', 'amount_type' => 'receive_amount', 'payee_account' => '201234567890',
                   'payee_currency' => 840, 'shop_currency' => 840, 'shop_payment_id' => $id]
                : ['account' => '4111111111111111', 'amount' => '100', 'amount_type' => 'ps_amount',
                   'payway' => 'card_usd', 'shop_currency' => 840, 'shop_payment_id' => $id];
            $outcomes[$id] = [$operation, $client->payout($operation, $params)];
        }
        $faults = Support::admin('GET', 'faults');
    } finally {
        Support::admin('POST', 'faults', ['probabilities' => new stdClass()]);
    }
    check(array_sum($faults['injected']) > 5, 'faults were injected: ' . json_encode($faults['injected']));
    $transfers = Support::admin('GET', 'transfers');
    $withdrawals = Support::admin('GET', 'withdrawals');
    $reconciled = 0;
    foreach ($outcomes as $id => [$operation, $outcome]) {
        $ledger = $operation === 'transfer/create' ? $transfers : $withdrawals;
        $rows = array_values(array_filter($ledger, fn ($row) => $row['shop_payment_id'] === $id));
        same(1, count($rows), "$id in the ledger");
        same($rows[0]['id'], $outcome['summary']['id'], "$id: the outcome is the ledger's payout");
        $reconciled += $outcome['reconciled'] ? 1 : 0;
    }
    check($reconciled > 0, 'some payouts were adopted from a lookup');
});
