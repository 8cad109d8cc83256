<?php

declare(strict_types=1);

namespace Feennex;

/**
 * A client on curl. Every request, retry and reconciliation is the core's
 * machine's decision; this class only sends what it asks and sleeps when told.
 * `call` runs one operation with the core's retries; `payout` makes a
 * `transfer/create` or `withdraw/create` exactly once (an unknown outcome is
 * looked up by `shop_payment_id` and adopted, never paid twice).
 */
class Client
{
    public readonly Merchant $merchant;

    /** The body of the last answer received (the one a finished call was read from). */
    public ?string $lastBody = null;

    /** @param array<string, int|bool> $options see Merchant */
    public function __construct(int $shopId, #[\SensitiveParameter] string $secret, ?string $baseUrl = null, array $options = [])
    {
        $this->merchant = new Merchant($shopId, $secret, $baseUrl, $options);
    }

    /**
     * One operation (not a payout create) with the core's retries.
     *
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    public function call(string $operation, array $params = []): array
    {
        if (in_array($operation, ['transfer/create', 'withdraw/create'], true)) {
            throw FeennexException::invalid('operation', "$operation is a payout: use payout(), which makes it exactly once");
        }
        return $this->drive($this->merchant->machine($operation, $params));
    }

    /**
     * A payout made exactly once: `['record' => ['created' => ...] or ['found' => ...],
     * 'summary' => [...], 'creates_sent' => ..., 'status_checks' => ...,
     * 'reconciled' => ..., 'preexisting' => ...]`.
     *
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    public function payout(string $operation, array $params, bool $resume = false): array
    {
        if (!in_array($operation, ['transfer/create', 'withdraw/create'], true)) {
            throw FeennexException::invalid('operation', "$operation is not a payout create");
        }
        return $this->drive($this->merchant->machine($operation, $params, $resume));
    }

    /**
     * Runs a machine to its end over curl.
     *
     * @return array<string, mixed>
     */
    public function drive(Machine $machine): array
    {
        $this->lastBody = null;
        $limit = $this->merchant->maxResponseBytes();
        while (true) {
            $step = $machine->poll();
            switch ($step['step']) {
                case 'send':
                    $this->send($machine, $step['request'], (int) $step['timeout_ms'], $limit, (string) $step['role']);
                    break;
                case 'wait':
                    usleep((int) $step['ms'] * 1000);
                    break;
                case 'done':
                    return $step['value'];
                default:
                    throw new FeennexException($step['error']);
            }
        }
    }

    /**
     * Called with each answer before the core reads it (`$role` is `call`,
     * `create` or `lookup`); a subclass may throw here to end the call at once.
     */
    protected function answered(string $role, int $status, string $body): void
    {
    }

    /** @param array{method: string, url: string, headers: array<string, string>, body: string} $request */
    private function send(Machine $machine, array $request, int $timeoutMs, int $limit, string $role): void
    {
        $headers = [];
        foreach ($request['headers'] as $name => $value) {
            if ($name !== 'content-length') {
                $headers[] = "$name: $value";
            }
        }
        $body = '';
        $tooLarge = false;
        $curl = curl_init($request['url']);
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $request['method'],
            CURLOPT_POSTFIELDS => $request['body'],
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_TIMEOUT_MS => max(1, $timeoutMs),
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_WRITEFUNCTION => static function ($handle, string $chunk) use (&$body, &$tooLarge, $limit): int {
                if (strlen($body) + strlen($chunk) > $limit) {
                    $tooLarge = true;
                    return 0;
                }
                $body .= $chunk;
                return strlen($chunk);
            },
        ]);
        $ok = curl_exec($curl);
        $errno = curl_errno($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $message = curl_error($curl);
        curl_close($curl);
        if ($tooLarge) {
            $machine->receiveFailure(true, "the answer is larger than $limit bytes");
            return;
        }
        if ($ok === false || $errno !== 0) {
            $machine->receiveFailure(!self::neverSent($errno), "curl error $errno: $message");
            return;
        }
        $this->lastBody = $body;
        $this->answered($role, $status, $body);
        $machine->receiveResponse($status, $body);
    }

    /** Failures before anything was written: resending is safe. */
    private static function neverSent(int $errno): bool
    {
        return in_array($errno, [CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT], true);
    }
}
