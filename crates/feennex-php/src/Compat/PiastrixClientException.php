<?php

declare(strict_types=1);

namespace Feennex\Compat;

/**
 * Raised for the API's errors (`error_code` and `getCode()` are the API's code)
 * and for the client's own checks (`error_code` from PiastrixErrorCode), as the
 * official client raises it.
 */
class PiastrixClientException extends \Exception
{
    public int $error_code;

    public function __construct(string $message, int $error_code, ?\Throwable $previous = null)
    {
        $this->error_code = $error_code;
        parent::__construct($message, $error_code, $previous);
    }
}
