<?php

declare(strict_types=1);

namespace Feennex;

use FFI;
use FFI\CData;

/**
 * A call in progress: the core's machine, stepped by a driver that owns the HTTP
 * stack and decides nothing. `poll()` says what to do next:
 * `['step' => 'send', 'role' => ..., 'timeout_ms' => ..., 'request' => [...]]`,
 * `['step' => 'wait', 'ms' => ...]`, `['step' => 'done', 'value' => ...]` or
 * `['step' => 'failed', 'error' => [...]]`.
 */
final class Machine
{
    /** @param Merchant $merchant kept alive as long as its machine */
    public function __construct(private CData $handle, private Merchant $merchant)
    {
    }

    public function __destruct()
    {
        Native::ffi()->feennex_machine_free($this->handle);
    }

    /** @return array<string, mixed> */
    public function poll(): array
    {
        return Json::decode(Native::call('feennex_machine_poll', [$this->handle]));
    }

    /** The answer to the last `send` step. */
    public function receiveResponse(int $status, string $body): void
    {
        $error = Native::ffi()->new('char*');
        $code = Native::ffi()->feennex_machine_receive_response($this->handle, $status, Native::bytes($body), strlen($body), FFI::addr($error));
        Native::finish($code, null, $error);
    }

    /** The last `send` step failed; `$sent` says whether the request could have reached the server (when in doubt, true). */
    public function receiveFailure(bool $sent, string $message): void
    {
        $error = Native::ffi()->new('char*');
        $code = Native::ffi()->feennex_machine_receive_failure($this->handle, $sent, $message, FFI::addr($error));
        Native::finish($code, null, $error);
    }
}
