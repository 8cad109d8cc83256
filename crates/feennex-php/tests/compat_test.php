<?php
// Feennex\Compat\PiastrixClient called as the official PHP client is called,
// against the sandbox: answers, exceptions on API errors, a signed pay() form, a
// working check_callback, exact amounts, payouts once.

declare(strict_types=1);

use Feennex\Compat\PiastrixClient;
use Feennex\Compat\PiastrixClientException;
use Feennex\Compat\PiastrixErrorCode;
use Feennex\Compat\PiastrixTransferAmountType;
use Feennex\Compat\PiastrixWithdrawAmountType;

function piastrix(): PiastrixClient
{
    // The official constructor: shop_id, secret_key, timeout, url.
    return new PiastrixClient(Support::shopId(), Support::secret(), 10, Support::baseUrl() . '/');
}

test('compat: answers are the data the API sent, amounts exact', function (): void {
    $balance = piastrix()->check_balance();
    same(Support::shopId(), (int) $balance['shop_id'], 'shop');
    foreach ($balance['balances'] as $row) {
        check(!array_key_exists('rolling_reserve', $row), 'no key the API did not send');
        check(is_string($row['available']), 'an exact amount, not a float');
    }
    $bill = piastrix()->bill(840, 10.0, 840, Support::unique('php-cp-bill'), ['description' => 'Book', 'lang' => 'ru']);
    check($bill['id'] > 0 && is_string($bill['url']), 'bill');
    same('10', Feennex\amount_text($bill['shop_amount']), 'shop_amount');
    $order = Support::unique('php-cp-inv');
    $quote = piastrix()->invoice_try(10.5, 643, $order, 'qiwi_rub', ['description' => 'x']);
    check(array_key_exists('add_ons_config', $quote), 'invoice quote');
    $invoice = piastrix()->invoice(100, 643, $order, 'card_rub', ['description' => 'x']);
    check(array_key_exists('url', $invoice) && array_key_exists('data', $invoice), 'invoice');
    $error = throws(PiastrixClientException::class, fn () => piastrix()->bill(840, 10, 840, 'o', ['shop_amount' => 5]));
    same(PiastrixErrorCode::$ExtraFieldsError, $error->error_code, 'the request\'s own key');
});

test('compat: API errors throw PiastrixClientException with the API code', function (): void {
    $error = throws(PiastrixClientException::class, fn () => piastrix()->transfer_status(Support::unique('none')));
    same([7, 7], [$error->error_code, $error->getCode()], 'not found');
    check(str_contains($error->getMessage(), "wasn't found"), $error->getMessage());
    $wrong = new PiastrixClient(Support::shopId(), 'not-the-key', 10, Support::baseUrl());
    same(10, throws(PiastrixClientException::class, fn () => $wrong->check_balance())->error_code, 'bad sign');
});

test('compat: transfer takes floats and integers, signs what it sends, and pays once', function (): void {
    $id = Support::unique('php-cp-t');
    $created = piastrix()->transfer(10.1, PiastrixTransferAmountType::$ReceiveAmountType, 201234567890, 840, 840, $id,
        ['description' => 'prize']);
    $keys = array_keys($created);
    sort($keys);
    same(['balance', 'id', 'payee_account', 'payee_amount', 'payee_currency', 'shop', 'shop_currency', 'write_off_amount'], $keys, 'keys');
    same('10.1', Feennex\amount_text($created['payee_amount']), 'the float sent is the amount paid');
    // The same id again, as the official client sees it: error 6, whatever the details.
    foreach ([[10.1, 201234567890], [99, 202222222222]] as [$amount, $payee]) {
        $again = throws(PiastrixClientException::class, fn () => piastrix()->transfer($amount, 'receive_amount', $payee, 840, 840, $id));
        same(6, $again->error_code, 'not unique');
    }
    $rows = array_filter(Support::admin('GET', 'transfers'), fn ($t) => $t['shop_payment_id'] === $id);
    same(1, count($rows), 'once in the ledger');
    $float = Support::unique('php-cp-float');
    throws(Feennex\FeennexException::class, fn () => piastrix()->transfer(0.1 + 0.2, 'receive_amount', 201234567890, 840, 840, $float));
    same(0, count(array_filter(Support::admin('GET', 'transfers'), fn ($t) => $t['shop_payment_id'] === $float)), 'nothing sent');
    same(PiastrixErrorCode::$AmountTypeError, throws(PiastrixClientException::class,
        fn () => piastrix()->transfer(1, 'sideways', 201234567890, 840, 840, Support::unique('x')))->error_code, 'amount type');
});

test('compat: withdrawals with the official method names', function (): void {
    $quote = piastrix()->withdraw_try(100, PiastrixWithdrawAmountType::$PsAmountType, 'card_usd', 840);
    same('102', Feennex\amount_text($quote['shop_write_off']), 'write-off');
    same(true, piastrix()->check_account(4111111111111111, 100.0, 'card_usd')['result'], 'account');
    $id = Support::unique('php-cp-w');
    $created = piastrix()->withdraw(4111111111111111, 100, 'ps_amount', 'card_usd', 840, $id, ['holder' => 'A B']);
    same($id, piastrix()->withdraw_id($created['id'])['shop_payment_id'], 'by id');
    same($created['id'], piastrix()->shop_payment_id($id)['id'], 'by shop payment id');
    same(PiastrixErrorCode::$AmountTypeError, throws(PiastrixClientException::class,
        fn () => piastrix()->withdraw_try(1, 'receive_amount', 'card_usd', 840))->error_code, 'amount type');
});

test('compat: pay() returns a signed form and its URL', function (): void {
    [$form, $url] = piastrix()->pay(10.0, 643, '101', ['description' => 'Order'], 'en');
    same('https://pay.feennex.com/en/pay', $url, 'url');
    $signed = ['amount' => $form['amount'], 'currency' => $form['currency'], 'shop_id' => $form['shop_id'], 'shop_order_id' => $form['shop_order_id']];
    same(Feennex\sign($signed, Support::secret()), $form['sign'], 'sign');
    same(['10', 'Order'], [$form['amount'], $form['description']], 'fields');
    same(PiastrixErrorCode::$LanguageError, throws(PiastrixClientException::class, fn () => piastrix()->pay(10, 643, '1', null, 'de'))->error_code, 'lang');
});

test('compat: check_callback works, and says what is wrong', function (): void {
    $fields = ['payment_id' => '9001', 'shop_amount' => '25.50', 'shop_currency' => '840',
        'shop_id' => (string) Support::shopId(), 'shop_order_id' => 'php-cb-1', 'status' => 'success', 'payway' => ''];
    $request = $fields + ['sign' => Feennex\sign(array_filter($fields, fn ($v) => $v !== ''), Support::secret())];
    $copy = $request;
    $client = new PiastrixClient(Support::shopId(), Support::secret(), 10, Support::baseUrl(), callback_ips: ['127.0.0.1']);
    $client->check_callback($request, '127.0.0.1', 25.5, 840);
    $client->check_callback($request, '127.0.0.1', '25.50', 840);
    same($copy, $request, 'left as it was');
    $code = fn (...$args) => throws(PiastrixClientException::class, fn () => $client->check_callback(...$args))->error_code;
    same(PiastrixErrorCode::$IpError, $code($request, '10.0.0.1', 25.5, 840), 'sender');
    same(PiastrixErrorCode::$ShopAmountError, $code($request, '127.0.0.1', 25.51, 840), 'amount');
    same(PiastrixErrorCode::$ShopCurrencyError, $code($request, '127.0.0.1', 25.5, 978), 'currency');
    same(PiastrixErrorCode::$SignError, $code(['shop_amount' => '2550'] + $request, '127.0.0.1', 25.5, 840), 'altered');
    $rejected = ['status' => 'rejected'] + $fields;
    $rejected['sign'] = Feennex\sign(array_filter($rejected, fn ($v) => $v !== ''), Support::secret());
    same(PiastrixErrorCode::$StatusError, $code($rejected, '127.0.0.1', 25.5, 840), 'status');
    $default = new PiastrixClient(Support::shopId(), Support::secret(), 10, Support::baseUrl());
    same(PiastrixErrorCode::$IpError, throws(PiastrixClientException::class,
        fn () => $default->check_callback($request, '127.0.0.1', 25.5, 840))->error_code, 'the official list by default');
    (new PiastrixClient(Support::shopId(), Support::secret(), 10, Support::baseUrl(), callback_ips: null))
        ->check_callback($request, '10.0.0.1', 25.5, 840);
});
