<?php

declare(strict_types=1);

namespace Feennex;

use FFI;
use FFI\CData;

/**
 * A shop: its id, its key (kept by the core, never shown), the API's base URL and
 * the options of every call, the same options as in every binding:
 * `attempt_timeout_ms`, `total_timeout_ms`, `max_creates`, `max_status_checks`,
 * `allow_plain_http`, `max_response_bytes` (an unknown one is refused by name).
 */
final class Merchant
{
    private CData $handle;

    /** @param array<string, int|bool> $options */
    public function __construct(
        public readonly int $shopId,
        #[\SensitiveParameter] string $secret,
        ?string $baseUrl = null,
        array $options = [],
    ) {
        $ffi = Native::ffi();
        $out = $ffi->new('FeennexMerchant*');
        $error = $ffi->new('char*');
        $status = $ffi->feennex_merchant_new_with_options(
            $shopId,
            $secret,
            $baseUrl,
            Json::object($options),
            FFI::addr($out),
            FFI::addr($error),
        );
        Native::finish($status, null, $error);
        $this->handle = $out;
    }

    public function __destruct()
    {
        Native::ffi()->feennex_merchant_free($this->handle);
    }

    /** The handle, for this package's own classes. @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    /** The largest answer a driver reads, in bytes. */
    public function maxResponseBytes(): int
    {
        $size = Native::ffi()->new('size_t');
        Native::ffi()->feennex_merchant_max_response_bytes($this->handle, FFI::addr($size));
        return $size->cdata;
    }

    /**
     * The signed request of `$operation` (an API path such as `"transfer/try"`):
     * `['method' => 'POST', 'url' => ..., 'headers' => [...], 'body' => ...]`.
     *
     * @param array<string, mixed> $params
     * @return array{method: string, url: string, headers: array<string, string>, body: string}
     */
    public function buildRequest(string $operation, array $params): array
    {
        return Json::decode(Native::call('feennex_build', [$this->handle, $operation, Json::object($params)]));
    }

    /**
     * The hosted pay page of an order: `['action' => URL, 'fields' => [[name, value], ...]]`,
     * the signed fields to post to the action.
     *
     * @param array<string, mixed> $params
     * @return array{action: string, fields: list<array{0: string, 1: string}>}
     */
    public function payPage(array $params): array
    {
        return Json::decode(Native::call('feennex_pay_page', [$this->handle, Json::object($params)]));
    }

    /**
     * Verifies a callback with this shop's key: the sender (`$allow`: addresses,
     * CIDR blocks, FIRST-LAST ranges; or `$checkedUpstream` when a proxy in front
     * checked it; exactly one), the body (form or JSON), the signature, the field
     * set (the documented fields unless `$allowFields` names more or
     * `$permissive`), and, when `$order` is given (`shop_order_id`, `amount`,
     * `currency`), that it is for that order (amounts compared as decimals).
     * Returns its fields; throws a FeennexException of kind `callback_rejected`
     * (with a `reason`) or `order_mismatch` (with the `field`) otherwise.
     *
     * @param list<string>|null $allow
     * @param list<string> $allowFields
     * @param array<string, string|int>|null $order
     * @return array<string, ?string>
     */
    public function verifyCallback(
        string $body,
        string $contentType,
        string $remoteIp,
        ?array $allow = null,
        bool $checkedUpstream = false,
        array $allowFields = [],
        bool $permissive = false,
        ?array $order = null,
    ): array {
        [$allowArray, $allowBuffers] = Native::strings($allow ?? []);
        [$fieldArray, $fieldBuffers] = Native::strings($allowFields);
        $fields = Native::call('feennex_merchant_verify_callback', [
            $this->handle,
            Native::bytes($body),
            strlen($body),
            $contentType,
            $remoteIp,
            $allowArray,
            count($allow ?? []),
            $checkedUpstream,
            $fieldArray,
            count($allowFields),
            $permissive,
            $order === null ? null : Json::object($order),
        ]);
        return Json::decode($fields);
    }

    /**
     * The core's machine of `$operation`: exactly once for `transfer/create` and
     * `withdraw/create` (looked up first when `$resume`), with the core's retries
     * for the others. Drive it with Client::drive, or with your own HTTP stack.
     *
     * @param array<string, mixed> $params
     */
    public function machine(string $operation, array $params, bool $resume = false): Machine
    {
        $ffi = Native::ffi();
        $out = $ffi->new('FeennexMachine*');
        $error = $ffi->new('char*');
        $status = $ffi->feennex_machine_new($this->handle, $operation, Json::object($params), $resume, FFI::addr($out), FFI::addr($error));
        Native::finish($status, null, $error);
        return new Machine($out, $this);
    }

    public function __debugInfo(): array
    {
        return ['shopId' => $this->shopId];
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Merchant holds a key and is not serialized');
    }
}
