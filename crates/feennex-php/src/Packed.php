<?php

declare(strict_types=1);

namespace Feennex;

use FFI;
use FFI\CData;

/**
 * A field set as the one string the C ABI's packed signing takes (each name and
 * value followed by a NUL), and the buffers its answer is written into.
 *
 * @internal
 */
final class Packed
{
    /** @var array{0: CData, 1: CData, 2: CData}|null the signature, the error pointer and its address */
    private static ?array $buffers = null;

    /**
     * @param array<string, mixed> $fields
     * @return array{0: string, 1: int}
     */
    public static function fields(array $fields): array
    {
        $packed = '';
        foreach ($fields as $name => $value) {
            if (!is_string($value) && !is_int($value)) {
                throw FeennexException::invalid((string) $name, 'a field value is a string or an integer');
            }
            $packed .= $name . "\0" . $value . "\0";
        }
        return [$packed, count($fields)];
    }

    /** @return array{0: CData, 1: CData} the signature buffer and the address of the error pointer */
    public static function buffers(): array
    {
        if (self::$buffers === null) {
            $ffi = Native::ffi();
            $error = $ffi->new('char*');
            self::$buffers = [$ffi->new('char[65]'), FFI::addr($error), $error];
        }
        return [self::$buffers[0], self::$buffers[1]];
    }

    /** @param array{0: CData, 1: CData} $buffers */
    public static function signature(int $status, array $buffers): string
    {
        if ($status !== 0) {
            Native::finish($status, null, self::$buffers[2]);
        }
        return FFI::string($buffers[0], 64);
    }
}
