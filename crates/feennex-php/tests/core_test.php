<?php
// The core through the C ABI without a server: signatures, amounts, requests,
// answers, and the shared cases every binding runs.

declare(strict_types=1);

use Feennex\FeennexException;
use Feennex\Merchant;

test('every published vector signs to its published signature', function (): void {
    $vectors = Support::json('crates/feennex-proto/tests/data/published_vectors.json')['vectors'];
    check(count($vectors) > 3, 'vectors');
    foreach ($vectors as $vector) {
        same($vector['sign'], Feennex\sign($vector['fields'], $vector['secret']), $vector['string_to_sign']);
        same($vector['string_to_sign'], Feennex\string_to_sign($vector['fields']), 'string to sign');
    }
});

test('signing refuses an empty key and values that are not text', function (): void {
    same('secret', throws(FeennexException::class, fn () => Feennex\sign(['a' => '1'], ''))->field, 'empty key');
    same('amount', throws(FeennexException::class, fn () => Feennex\sign(['amount' => 1.5], 'k'))->field, 'float');
    same(Feennex\sign(['a' => '7'], 'k'), Feennex\sign(['a' => 7], 'k'), 'an integer signs as its digits');
});

test('amounts take one canonical text; what the server would print otherwise is refused', function (): void {
    same('10.5', Feennex\amount_text('10.50'), '10.50');
    same('100', Feennex\amount_text(100), '100');
    $refused = throws(FeennexException::class, fn () => Feennex\amount_text('0.00001'));
    same(['invalid_input', 'amount'], [$refused->kind, $refused->field], 'too small');
});

test('answers are read by the core: exact amounts, the API code on errors', function (): void {
    $quote = Feennex\parse_response('transfer/try', 200, '{"data":{"payee_amount":0.1,"payee_currency":978,'
        . '"shop_currency":840,"write_off_amount":"0.30"},"error_code":0,"message":"Ok","result":true}');
    same(['0.1', '0.30'], [$quote['payee_amount'], $quote['write_off_amount']], 'amounts');
    $error = throws(FeennexException::class, fn () => Feennex\parse_response('transfer/create', 400,
        '{"data":null,"error_code":6,"message":"not unique","result":false}'));
    same(['api', 6, 'OperationNotUnique', 400], [$error->kind, $error->getCode(), $error->codeName, $error->httpStatus], 'api error');
    $proxy = throws(FeennexException::class, fn () => Feennex\parse_response('shop_balance', 502, '<html>Bad Gateway</html>'));
    same(['not_envelope', true], [$proxy->kind, $proxy->outcomeUnknown], 'proxy page');
});

test('shared cases: the same refused field as every binding', function (): void {
    $cases = Support::json('crates/feennex-ops/tests/data/conformance.json');
    $merchant = new Merchant($cases['shop_id'], $cases['secret'], $cases['base_url']);
    foreach ($cases['build'] as $case) {
        if (isset($case['field'])) {
            $error = throws(FeennexException::class, fn () => $merchant->buildRequest($case['operation'], $case['params']));
            same(['invalid_input', $case['field']], [$error->kind, $error->field], $case['name']);
        } else {
            $request = $merchant->buildRequest($case['operation'], $case['params']);
            check(str_contains($request['body'], $case['body_contains'] ?? ''), $case['name']);
        }
    }
    foreach ($cases['options'] as $case) {
        if (isset($case['field'])) {
            $error = throws(FeennexException::class, fn () => new Merchant(6, 'k', null, $case['options']));
            same($case['field'], $error->field, $case['name']);
        } else {
            $expected = $case['options']['max_response_bytes'] ?? (new Merchant(6, 'k'))->maxResponseBytes();
            same($expected, (new Merchant(6, 'k', null, $case['options']))->maxResponseBytes(), $case['name']);
        }
    }
    foreach ($cases['withdraw_final'] as $status => $final) {
        same($final, Feennex\withdraw_status_is_final((int) $status), "status $status");
    }
});

test('shared cases: the same callback reason as every binding, with the merchant\'s own key', function (): void {
    $cases = Support::json('crates/feennex-ops/tests/data/conformance.json');
    $merchant = new Merchant($cases['shop_id'], $cases['secret'], $cases['base_url']);
    foreach ($cases['callbacks'] as $case) {
        $verify = fn () => $merchant->verifyCallback($case['body'], $case['content_type'], $case['remote_ip'],
            $case['allow'], $case['checked_upstream']);
        if (isset($case['reason'])) {
            $error = throws(FeennexException::class, $verify);
            same(['callback_rejected', $case['reason']], [$error->kind, $error->reason], $case['name']);
        } elseif (isset($case['field'])) {
            same($case['field'], throws(FeennexException::class, $verify)->field, $case['name']);
        } else {
            same($case['shop_order_id'], $verify()['shop_order_id'], $case['name']);
        }
    }
    $good = $cases['callbacks'][0];
    $order = fn (string $amount, int $currency) => $merchant->verifyCallback($good['body'], $good['content_type'],
        $good['remote_ip'], $good['allow'], order: ['shop_order_id' => 'o-42', 'amount' => $amount, 'currency' => $currency]);
    same('success', $order('25.5', 840)['status'], 'the order, amounts as decimals');
    $mismatch = throws(FeennexException::class, fn () => $order('25.51', 840));
    same(['order_mismatch', 'shop_amount', '25.50'], [$mismatch->kind, $mismatch->field, $mismatch->received], 'amount');
});

test('the key is never shown', function (): void {
    $merchant = new Merchant(6, 'php-hidden-key', 'http://127.0.0.1:9');
    $shown = print_r($merchant, true) . var_export(serialize_or_null($merchant), true);
    check(!str_contains($shown, 'php-hidden-key'), $shown);
    $error = throws(FeennexException::class, fn () => $merchant->buildRequest('transfer/try', ['amount' => 'x']));
    check(!str_contains($error->getMessage(), 'php-hidden-key'), 'error');
});

function serialize_or_null(object $value): ?string
{
    try {
        return serialize($value);
    } catch (Throwable) {
        return null;
    }
}

test('a Signer keeps the key and signs as sign() does; a NUL inside a field is refused', function (): void {
    $fields = ['amount' => '10.00', 'currency' => '643', 'shop_id' => '5', 'shop_order_id' => '101'];
    $signer = new Feennex\Signer('SecretKey01');
    same('e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f', $signer->sign($fields), 'vector');
    same(Feennex\sign(['a' => '7'], 'k'), (new Feennex\Signer('k'))->sign(['a' => 7]), 'integers');
    same('secret', throws(FeennexException::class, fn () => new Feennex\Signer(''))->field, 'empty key');
    same('fields', throws(FeennexException::class, fn () => $signer->sign(['a' => "x\0y"]))->field, 'NUL in a value');
    same('fields', throws(FeennexException::class, fn () => Feennex\sign(["a\0" => 'x'], 'k'))->field, 'NUL in a name');
    check(!str_contains(print_r($signer, true), 'SecretKey01'), 'the key is not shown');
});
