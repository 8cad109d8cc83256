<?php

declare(strict_types=1);

namespace Feennex;

use FFI;
use FFI\CData;

/**
 * The Rust core's C ABI, loaded once through PHP's FFI: the library named by
 * FEENNEX_FFI_LIB, or the workspace's release build
 * (`cargo build --release -p feennex-ffi`). Every decision is the core's; this
 * class only moves strings and bytes across and frees what the library returns.
 *
 * @internal
 */
final class Native
{
    private static ?FFI $ffi = null;

    public static function ffi(): FFI
    {
        if (self::$ffi === null) {
            $header = file_get_contents(__DIR__ . '/../include/feennex_ffi.h');
            self::$ffi = FFI::cdef($header, self::library());
        }
        return self::$ffi;
    }

    /** Where the library is: FEENNEX_FFI_LIB, or the workspace's release build. */
    public static function library(): string
    {
        $named = getenv('FEENNEX_FFI_LIB');
        if (is_string($named) && $named !== '') {
            return $named;
        }
        $extension = PHP_OS_FAMILY === 'Darwin' ? 'dylib' : (PHP_OS_FAMILY === 'Windows' ? 'dll' : 'so');
        $prefix = PHP_OS_FAMILY === 'Windows' ? '' : 'lib';
        $built = __DIR__ . "/../../../target/release/{$prefix}feennex_ffi.{$extension}";
        if (!is_file($built)) {
            throw new \RuntimeException(
                'the feennex C library was not found: set FEENNEX_FFI_LIB, or run '
                . '`cargo build --release -p feennex-ffi` in the workspace'
            );
        }
        return $built;
    }

    /**
     * Calls `$function` with `$arguments` followed by the `out` and `error`
     * pointers; returns the string written to `out` (freed here), or throws the
     * failure written to `error`.
     *
     * @param list<mixed> $arguments
     */
    public static function call(string $function, array $arguments): string
    {
        $ffi = self::ffi();
        $out = $ffi->new('char*');
        $error = $ffi->new('char*');
        $status = $ffi->$function(...[...$arguments, FFI::addr($out), FFI::addr($error)]);
        return self::finish($status, $out, $error);
    }

    /** The `out` string of a finished call, or its failure thrown. */
    public static function finish(int $status, ?CData $out, CData $error): string
    {
        $ffi = self::ffi();
        if ($status !== 0) {
            $failure = self::take($error) ?? '{"kind":"internal","message":"no failure was reported","outcome_unknown":false}';
            if ($out !== null) {
                self::take($out);
            }
            throw FeennexException::fromJson($failure);
        }
        self::take($error);
        return $out === null ? '' : (self::take($out) ?? '');
    }

    /** The string a `char*` holds, freed with the library's own function. */
    public static function take(CData $pointer): ?string
    {
        if (FFI::isNull($pointer)) {
            return null;
        }
        $text = FFI::string($pointer);
        self::ffi()->feennex_string_free($pointer);
        return $text;
    }

    /**
     * Owned C strings and an array of pointers to them, for a `const char *const *`
     * argument; both stay alive as long as the returned pair does.
     *
     * @param list<string> $strings
     * @return array{0: ?CData, 1: list<CData>}
     */
    public static function strings(array $strings): array
    {
        $count = count($strings);
        if ($count === 0) {
            return [null, []];
        }
        $ffi = self::ffi();
        $array = $ffi->new("char*[$count]");
        $buffers = [];
        foreach (array_values($strings) as $i => $string) {
            $buffers[$i] = self::cString($string);
            $array[$i] = FFI::cast('char*', FFI::addr($buffers[$i][0]));
        }
        return [$array, $buffers];
    }

    /** An owned, NUL-terminated copy of a PHP string. */
    public static function cString(string $text): CData
    {
        $length = strlen($text);
        $buffer = self::ffi()->new('char[' . ($length + 1) . ']');
        if ($length > 0) {
            FFI::memcpy($buffer, $text, $length);
        }
        return $buffer;
    }

    /** An owned copy of bytes, for a `const uint8_t *` argument (with its length). */
    public static function bytes(string $bytes): CData
    {
        $length = max(strlen($bytes), 1);
        $buffer = self::ffi()->new("uint8_t[$length]");
        if ($bytes !== '') {
            FFI::memcpy($buffer, $bytes, strlen($bytes));
        }
        return $buffer;
    }
}
