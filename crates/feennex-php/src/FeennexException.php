<?php

declare(strict_types=1);

namespace Feennex;

/**
 * Every failure of the package, with what the core knows: `kind` (the core's one
 * table of kinds, the same names as in Node.js and C), the parameter at fault,
 * the API's error code (also `getCode()`), a refused callback's `reason`, and
 * whether the server may have acted (`outcomeUnknown`). Never holds the key.
 */
class FeennexException extends \RuntimeException
{
    public readonly string $kind;
    public readonly ?string $field;
    public readonly ?string $codeName;
    public readonly ?string $serverMessage;
    public readonly ?int $httpStatus;
    public readonly ?string $snippet;
    public readonly ?string $reason;
    public readonly ?string $received;
    public readonly ?string $shopPaymentId;
    public readonly ?int $createsSent;
    public readonly ?int $statusChecks;
    public readonly ?FeennexException $lastError;
    public readonly ?string $limit;
    public readonly bool $outcomeUnknown;

    /** @param array<string, mixed> $failure the core's failure, as its JSON says it */
    public function __construct(array $failure, ?\Throwable $previous = null)
    {
        parent::__construct((string) ($failure['message'] ?? 'failure'), (int) ($failure['code'] ?? 0), $previous);
        $this->kind = (string) ($failure['kind'] ?? 'internal');
        $this->field = $failure['field'] ?? null;
        $this->codeName = $failure['code_name'] ?? null;
        $this->serverMessage = $failure['server_message'] ?? null;
        $this->httpStatus = $failure['http_status'] ?? null;
        $this->snippet = $failure['snippet'] ?? null;
        $this->reason = $failure['reason'] ?? null;
        $this->received = $failure['received'] ?? null;
        $this->shopPaymentId = $failure['shop_payment_id'] ?? null;
        $this->createsSent = $failure['creates_sent'] ?? null;
        $this->statusChecks = $failure['status_checks'] ?? null;
        $this->lastError = isset($failure['last_error']) ? new self($failure['last_error']) : null;
        $this->limit = $failure['limit'] ?? null;
        $this->outcomeUnknown = (bool) ($failure['outcome_unknown'] ?? false);
    }

    public static function fromJson(string $json): self
    {
        $failure = json_decode($json, true);
        return new self(is_array($failure) ? $failure : ['kind' => 'internal', 'message' => $json]);
    }

    /** A value refused before anything reached the core. */
    public static function invalid(string $field, string $reason): self
    {
        return new self(['kind' => 'invalid_input', 'field' => $field, 'message' => "invalid $field: $reason"]);
    }
}
