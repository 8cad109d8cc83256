<?php

declare(strict_types=1);

namespace Feennex\Compat;

use Feennex\Client;
use Feennex\FeennexException;
use Feennex\Json;

/**
 * The official PHP client's constructor and methods, working: every method
 * returns the answer's `data` with the keys the API sent (amounts as exact
 * decimal strings), API errors throw PiastrixClientException(message, code),
 * `pay()` returns a signed form, `check_callback` checks the sender, the
 * signature (in constant time), the amount as a decimal, the currency and the
 * status. Underneath is the Rust core: amounts are sent in the one text the
 * server signs (a float as its shortest text, refused when the server would
 * read it otherwise), and `transfer` and `withdraw` are exactly once. A failure
 * without an API error (no answer, a body that is not Feennex's) throws a
 * Feennex\FeennexException.
 */
class PiastrixClient
{
    /** The callback senders the official client hard-codes. */
    public const DEFAULT_CALLBACK_IPS = [
        '87.98.145.206',
        '51.68.53.104-51.68.53.107',
        '91.121.216.63',
        '37.48.108.180-37.48.108.181',
    ];

    public int $shop_id;
    public int|float $timeout;
    public string $url;
    private Client $client;

    /**
     * @param list<string>|null $callback_ips addresses, CIDR blocks or FIRST-LAST
     *        ranges allowed to send callbacks; null when a proxy in front checked them
     */
    public function __construct(
        int|string $shop_id,
        #[\SensitiveParameter] string $secret_key,
        int|float $timeout = 10,
        string $url = 'https://core.feennex.com/',
        public ?array $callback_ips = self::DEFAULT_CALLBACK_IPS,
        public string $pay_url = 'https://pay.feennex.com',
        bool $allow_plain_http = false,
    ) {
        $this->shop_id = (int) $shop_id;
        $this->timeout = $timeout;
        $this->url = $url;
        $this->client = new Client($this->shop_id, $secret_key, $url, [
            'attempt_timeout_ms' => max(1, (int) ceil($timeout * 1000)),
            'total_timeout_ms' => max(1, (int) ceil($timeout * 6000)),
            'allow_plain_http' => $allow_plain_http,
        ]);
    }

    public function __debugInfo(): array
    {
        return ['shop_id' => $this->shop_id, 'url' => $this->url];
    }

    public function check_balance(): array
    {
        return $this->call('shop_balance', []);
    }

    public function bill($payer_currency, $shop_amount, $shop_currency, $shop_order_id, $extra_fields = null): array
    {
        $params = [
            'payer_currency' => $payer_currency,
            'shop_amount' => self::amount($shop_amount),
            'shop_currency' => $shop_currency,
            'shop_order_id' => (string) $shop_order_id,
        ];
        $known = ['description', 'payer_account', 'failed_url', 'success_url', 'callback_url'];
        return $this->call('bill/create', $params + self::extra($extra_fields, $params, $known));
    }

    public function invoice_try($amount, $currency, $shop_order_id, $payway, $extra_fields = null): array
    {
        $params = ['amount' => self::amount($amount), 'currency' => $currency, 'payway' => $payway, 'shop_order_id' => (string) $shop_order_id];
        return $this->call('invoice/try', $params + self::extra($extra_fields, $params, []));
    }

    public function invoice($amount, $currency, $shop_order_id, $payway, $extra_fields = null): array
    {
        $params = ['amount' => self::amount($amount), 'currency' => $currency, 'payway' => $payway, 'shop_order_id' => (string) $shop_order_id];
        $known = ['description', 'failed_url', 'success_url', 'callback_url'];
        return $this->call('invoice/create', $params + self::extra($extra_fields, $params, $known));
    }

    public function transfer_status($shop_payment_id): array
    {
        return $this->call('transfer/shop_payment_status', ['shop_payment_id' => (string) $shop_payment_id]);
    }

    /**
     * `transfer/create`, exactly once: a payout whose create had no usable answer
     * is looked up by `shop_payment_id` and adopted if this call made it, never
     * paid twice; then the answer is the lookup's data (`receive_amount`, no
     * `balance`). A payout under the id that this call did not make throws
     * PiastrixClientException with code 6, as the official client does. Of the
     * extra fields only `description` can be sent with a payout; any other throws
     * (ExtraFieldsError) rather than being dropped.
     */
    public function transfer($amount, $amount_type, $payee_account, $payee_currency, $shop_currency, $shop_payment_id, $extra_fields = null): array
    {
        $params = [
            'amount' => self::amount($amount),
            'amount_type' => $amount_type,
            'payee_account' => (string) $payee_account,
            'payee_currency' => $payee_currency,
            'shop_currency' => $shop_currency,
            'shop_payment_id' => (string) $shop_payment_id,
        ];
        $extra = self::payoutExtra($extra_fields, $params, ['description']);
        if (!in_array($amount_type, [PiastrixTransferAmountType::$ReceiveAmountType, PiastrixTransferAmountType::$WriteoffAmountType], true)) {
            throw new PiastrixClientException('Wrong amount_type', PiastrixErrorCode::$AmountTypeError);
        }
        return $this->payout('transfer/create', $params + $extra);
    }

    public function withdraw_try($amount, $amount_type, $payway, $shop_currency): array
    {
        self::checkWithdrawAmountType($amount_type);
        return $this->call('withdraw/try', [
            'amount' => self::amount($amount),
            'amount_type' => $amount_type,
            'payway' => $payway,
            'shop_currency' => $shop_currency,
        ]);
    }

    /** `withdraw/create`, exactly once (see `transfer`); extra fields cannot be sent with it and throw. */
    public function withdraw($account, $amount, $amount_type, $payway, $shop_currency, $shop_payment_id, $account_details = null, $extra_fields = null): array
    {
        $params = [
            'account' => (string) $account,
            'amount' => self::amount($amount),
            'amount_type' => $amount_type,
            'payway' => $payway,
            'shop_currency' => $shop_currency,
            'shop_payment_id' => (string) $shop_payment_id,
        ];
        self::payoutExtra($extra_fields, $params, []);
        self::checkWithdrawAmountType($amount_type);
        if ($account_details !== null) {
            $params['account_details'] = (object) $account_details;
        }
        return $this->payout('withdraw/create', $params);
    }

    public function check_account($account, $amount, $payway, $account_details = null): array
    {
        $params = ['account' => (string) $account, 'amount' => self::amount($amount), 'payway' => $payway];
        if ($account_details !== null) {
            $params['account_details'] = (object) $account_details;
        }
        return $this->call('check_account', $params);
    }

    public function withdraw_id($withdraw_id): array
    {
        return $this->call('withdraw/status', ['withdraw_id' => $withdraw_id]);
    }

    public function shop_payment_id($shop_payment_id): array
    {
        return $this->call('withdraw/shop_payment_status', ['shop_payment_id' => (string) $shop_payment_id]);
    }

    /**
     * The hosted pay page: `[$form_data, $url]`, the signed fields to post to `$url`.
     *
     * @return array{0: array<string, string>, 1: string}
     */
    public function pay($amount, $currency, $shop_order_id, $extra_fields = null, $lang = 'ru'): array
    {
        if (!in_array($lang, ['ru', 'en'], true)) {
            throw new PiastrixClientException("$lang is not valid language", PiastrixErrorCode::$LanguageError);
        }
        $params = ['amount' => self::amount($amount), 'currency' => $currency, 'shop_order_id' => (string) $shop_order_id];
        $known = ['description', 'payway', 'payer_account', 'failed_url', 'success_url', 'callback_url'];
        $extra = self::payoutExtra($extra_fields, $params, $known);
        $page = $this->wrap(fn () => $this->client->merchant->payPage($params + $extra + ['lang' => $lang, 'host' => $this->pay_url]));
        $form = [];
        foreach ($page['fields'] as [$name, $value]) {
            $form[$name] = $value;
        }
        return [$form, $page['action']];
    }

    /**
     * Checks a callback (its received fields) for an order of `$shop_amount` in
     * `$shop_currency`; throws PiastrixClientException when anything is wrong.
     * `$request_data` is left as it was.
     *
     * @param array<string, mixed> $request_data
     */
    public function check_callback($request_data, $remote_ip_address, $shop_amount, $shop_currency): void
    {
        $fields = array_filter($request_data, static fn ($value) => $value !== null);
        $body = http_build_query($fields, '', '&', PHP_QUERY_RFC3986);
        $order = [
            'shop_order_id' => (string) ($request_data['shop_order_id'] ?? ''),
            'amount' => self::amount($shop_amount),
            'currency' => $shop_currency,
        ];
        try {
            $verified = $this->client->merchant->verifyCallback(
                $body,
                'application/x-www-form-urlencoded',
                (string) $remote_ip_address,
                allow: $this->callback_ips,
                checkedUpstream: $this->callback_ips === null,
                order: $order,
            );
        } catch (FeennexException $error) {
            throw self::callbackError($error);
        }
        if (($verified['status'] ?? null) !== 'success') {
            throw new PiastrixClientException('Wrong status', PiastrixErrorCode::$StatusError);
        }
    }

    // -- plumbing ----------------------------------------------------------------

    private static function callbackError(FeennexException $error): PiastrixClientException
    {
        if ($error->kind === 'order_mismatch') {
            [$message, $code] = match ($error->field) {
                'shop_amount' => ['Wrong shop_amount', PiastrixErrorCode::$ShopAmountError],
                'shop_currency' => ['Wrong shop_currency', PiastrixErrorCode::$ShopCurrencyError],
                'shop_id' => ['Wrong shop_id', PiastrixErrorCode::$ShopIdError],
                default => ['Wrong sign', PiastrixErrorCode::$SignError],
            };
            return new PiastrixClientException($message, $code, $error);
        }
        if ($error->reason === 'sender_not_allowed' || $error->field === 'remote_ip') {
            return new PiastrixClientException('IP address is not in allowed IP addresses', PiastrixErrorCode::$IpError, $error);
        }
        if ($error->kind === 'callback_rejected') {
            return new PiastrixClientException('Wrong sign', PiastrixErrorCode::$SignError, $error);
        }
        return new PiastrixClientException($error->getMessage(), PiastrixErrorCode::$SignError, $error);
    }

    /** A float as the server reads a JSON float: its shortest round-trip text. */
    private static function amount(mixed $value): mixed
    {
        return is_float($value) ? json_encode($value, JSON_PRESERVE_ZERO_FRACTION) : $value;
    }

    /**
     * The extra fields, sent as the official client sends them: the request's own
     * keys throw (as it does); keys the operation knows are its parameters, any
     * other is sent unsigned as given.
     *
     * @param list<string> $known
     */
    private static function extra(?array $extra_fields, array $own, array $known): array
    {
        if (!$extra_fields) {
            return [];
        }
        $params = [];
        $others = [];
        foreach ($extra_fields as $key => $value) {
            if (array_key_exists($key, $own) || $key === 'shop_id' || $key === 'sign') {
                throw new PiastrixClientException("Wrong key in extra_fields. Don't use the same keys as req_dict", PiastrixErrorCode::$ExtraFieldsError);
            }
            if (in_array($key, $known, true)) {
                $params[$key] = $value;
            } else {
                $others[$key] = $value;
            }
        }
        if ($others) {
            $params['extra_fields'] = $others;
        }
        return $params;
    }

    /** The extra fields of a request that can carry only `$known` ones: any other throws. */
    private static function payoutExtra(?array $extra_fields, array $own, array $known): array
    {
        $extra = self::extra($extra_fields, $own, $known);
        if (isset($extra['extra_fields'])) {
            $name = array_key_first($extra['extra_fields']);
            throw new PiastrixClientException("extra field '$name' cannot be sent with this request", PiastrixErrorCode::$ExtraFieldsError);
        }
        return $extra;
    }

    private static function checkWithdrawAmountType($amount_type): void
    {
        if (!in_array($amount_type, [PiastrixWithdrawAmountType::$PsAmountType, PiastrixWithdrawAmountType::$ShopAmountType], true)) {
            throw new PiastrixClientException('Wrong amount_type', PiastrixErrorCode::$AmountTypeError);
        }
    }

    private function call(string $operation, array $params): array
    {
        $parsed = $this->wrap(fn () => $this->client->call($operation, $params));
        return $this->data($parsed);
    }

    private function payout(string $operation, array $params): array
    {
        $outcome = $this->wrap(fn () => $this->client->payout($operation, $params));
        return $this->data($outcome['record']['created'] ?? $outcome['record']['found']);
    }

    /**
     * The `data` of the answer the core just read, with exactly the keys the API
     * sent; amounts the API wrote as JSON numbers become the core's exact
     * decimal strings.
     */
    private function data(array $parsed): array
    {
        $raw = json_decode($this->client->lastBody ?? '{}', true, 512, JSON_BIGINT_AS_STRING);
        $data = is_array($raw) && is_array($raw['data'] ?? null) ? $raw['data'] : [];
        return self::exact($data, $parsed);
    }

    private static function exact(mixed $raw, mixed $parsed): mixed
    {
        if (is_float($raw) && is_string($parsed)) {
            return $parsed;
        }
        if (is_array($raw) && is_array($parsed)) {
            foreach ($raw as $key => $value) {
                if (array_key_exists($key, $parsed)) {
                    $raw[$key] = self::exact($value, $parsed[$key]);
                }
            }
        }
        return $raw;
    }

    /** Runs a call of the core; an API error throws as the official client throws it. */
    private function wrap(callable $work): mixed
    {
        try {
            return $work();
        } catch (FeennexException $error) {
            if ($error->kind === 'api') {
                throw new PiastrixClientException((string) $error->serverMessage, $error->getCode(), $error);
            }
            if ($error->kind === 'conflict' || $error->kind === 'unverified') {
                // A payout under the id that this call did not make: the API's error 6
                // (OperationNotUnique), as the official client raises it.
                throw new PiastrixClientException($error->notUnique ?? $error->getMessage(), 6, $error);
            }
            throw $error;
        }
    }
}
