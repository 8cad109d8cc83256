<?php

declare(strict_types=1);

namespace Feennex;

use FFI;
use FFI\CData;

/**
 * A shop's key kept for signing many field sets: `(new Signer($key))->sign($fields)`
 * is `Feennex\sign($fields, $key)` without handing the key over on every call.
 * Each signature crosses FFI once: the fields as one string, the signature
 * written into a buffer this class keeps. The key is never shown.
 */
final class Signer
{
    private CData $handle;

    public function __construct(#[\SensitiveParameter] string $secret)
    {
        $ffi = Native::ffi();
        $out = $ffi->new('FeennexSigner*');
        $error = $ffi->new('char*');
        Native::finish($ffi->feennex_signer_new($secret, FFI::addr($out), FFI::addr($error)), null, $error);
        $this->handle = $out;
    }

    public function __destruct()
    {
        Native::ffi()->feennex_signer_free($this->handle);
    }

    /**
     * The signature of `$fields` (name => string or integer value).
     *
     * @param array<string, string|int> $fields
     */
    public function sign(array $fields): string
    {
        [$packed, $count] = Packed::fields($fields);
        $buffers = Packed::buffers();
        $status = Native::ffi()->feennex_signer_sign($this->handle, $packed, strlen($packed), $count, $buffers[0], $buffers[1]);
        return Packed::signature($status, $buffers);
    }

    public function __debugInfo(): array
    {
        return [];
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Signer holds a key and is not serialized');
    }
}
