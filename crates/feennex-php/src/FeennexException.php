<?php

declare(strict_types=1);

namespace Feennex;

/**
 * Every failure of the package, with what the core knows: `kind` (the core's one
 * table of kinds, the same names as in Node.js and C), the parameter at fault,
 * the API's error code (also `getCode()`), a refused callback's `reason`, a
 * payout found under the id that is not proven this request's (`conflict` with
 * the `field`, `asked` and `found`; `unverified`), and whether the server may
 * have acted (`outcomeUnknown`). Never holds the key.
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
    /** The payout found under the id (`conflict`, `unverified`). */
    public readonly ?int $payoutId;
    /** What was asked, and what the payout found has, in the field that differs (`conflict`). */
    public readonly ?string $asked;
    public readonly ?string $found;
    /** @var list<string>|null what was asked that the answer does not carry (`unverified`) */
    public readonly ?array $notCompared;
    /** The API's message when it refused this call's create as not unique (`conflict`, `unverified`). */
    public readonly ?string $notUnique;
    /** The API said the id was taken before this call's create could arrive (`payout_unresolved`). */
    public readonly ?bool $preexisting;
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
        $this->payoutId = $failure['payout_id'] ?? null;
        $this->asked = $failure['asked'] ?? null;
        $this->found = $failure['found'] ?? null;
        $this->notCompared = $failure['not_compared'] ?? null;
        $this->notUnique = $failure['not_unique'] ?? null;
        $this->preexisting = $failure['preexisting'] ?? null;
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
