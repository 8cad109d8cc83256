<?php
// Signatures per second: Feennex\Signer and Feennex\sign (the core through FFI) beside PHP's own
// hash('sha256') doing the same work the way the official client signs (sort
// the names, join the values with ':', append the key, SHA-256 hex). Rounds
// alternate in one process; the median round is reported.
//
//   cargo build --release -p feennex-ffi && php crates/feennex-php/bench/sign.php

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

const SECRET = 'SecretKey01';
const FIELDS = [
    'amount' => '10.5', 'amount_type' => 'receive_amount', 'payee_account' => '201234567890',
    'payee_currency' => '840', 'shop_currency' => '840', 'shop_id' => '6', 'shop_payment_id' => 'order-42',
];

function php_sign(array $fields, string $secret): string
{
    $names = array_keys($fields);
    sort($names, SORT_STRING);
    $values = array_map(static fn ($name) => $fields[$name], $names);
    return hash('sha256', implode(':', $values) . $secret);
}

if (Feennex\sign(FIELDS, SECRET) !== php_sign(FIELDS, SECRET)) {
    throw new RuntimeException('the signers disagree');
}

$signer = new Feennex\Signer(SECRET);
if ($signer->sign(FIELDS) !== php_sign(FIELDS, SECRET)) {
    throw new RuntimeException('the signers disagree');
}

$contenders = [
    'Feennex\Signer->sign (the core through FFI)' => static fn () => $signer->sign(FIELDS),
    'Feennex\sign (the core through FFI)' => static fn () => Feennex\sign(FIELDS, SECRET),
    "hash('sha256'), the same work in PHP" => static fn () => php_sign(FIELDS, SECRET),
];
$perRound = (int) (getenv('PER_ROUND') ?: 20000);
$rounds = (int) (getenv('ROUNDS') ?: 9);
$rates = array_fill_keys(array_keys($contenders), []);
for ($round = 0; $round <= $rounds; $round++) {
    foreach ($contenders as $name => $work) {
        $start = hrtime(true);
        for ($i = 0; $i < $perRound; $i++) {
            $work();
        }
        $seconds = (hrtime(true) - $start) / 1e9;
        if ($round > 0) {
            $rates[$name][] = $perRound / $seconds;
        }
    }
}
printf("PHP %s, %d rounds of %d calls each, median:\n", PHP_VERSION, $rounds, $perRound);
foreach ($rates as $name => $values) {
    sort($values);
    printf("  %-44s %10s /s\n", $name, number_format($values[intdiv(count($values), 2)]));
}
