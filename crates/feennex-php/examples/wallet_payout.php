<?php
// A wallet payout made exactly once, then the balance, against the API named by
// FEENNEX_BASE_URL with FEENNEX_SHOP_ID and FEENNEX_SECRET_KEY (a sandbox:
// `feennex sandbox --listen 127.0.0.1:0 --shop 6:example-secret`).

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

$client = new Feennex\Client(
    (int) getenv('FEENNEX_SHOP_ID'),
    (string) getenv('FEENNEX_SECRET_KEY'),
    (string) getenv('FEENNEX_BASE_URL'),
);

// Choose the payout's id before the first attempt and keep it: calling again with
// the same id after a crash looks the payout up instead of paying twice.
$outcome = $client->payout('transfer/create', [
    'amount' => '10.50',
    'amount_type' => 'receive_amount',
    'payee_account' => '201234567890',
    'payee_currency' => 840,
    'shop_currency' => 840,
    'shop_payment_id' => 'php-example-' . bin2hex(random_bytes(6)),
]);
printf("payout %d: %s written off\n", $outcome['summary']['id'], $outcome['summary']['write_off']);

foreach ($client->call('shop_balance')['balances'] as $balance) {
    printf("balance %d: %s\n", $balance['currency'], $balance['available']);
}
