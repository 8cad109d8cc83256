<?php

declare(strict_types=1);

namespace Feennex;

/**
 * The Feennex signature of `$fields` (name => value) with the shop's key: the
 * values in byte order of name, joined with `:`, the key appended, SHA-256 in
 * lowercase hex. Values are strings or integers.
 *
 * @param array<string, string|int> $fields
 */
function sign(array $fields, #[\SensitiveParameter] string $secret): string
{
    [$packed, $count] = Packed::fields($fields);
    $buffers = Packed::buffers();
    $status = Native::ffi()->feennex_sign_packed($packed, strlen($packed), $count, $secret, $buffers[0], $buffers[1]);
    return Packed::signature($status, $buffers);
}

/**
 * The string-to-sign of `$fields`, without the key (for diagnostics).
 *
 * @param array<string, string|int> $fields
 */
function string_to_sign(array $fields): string
{
    [$names, $values] = fieldTexts($fields);
    [$nameArray, $nameBuffers] = Native::strings($names);
    [$valueArray, $valueBuffers] = Native::strings($values);
    return Native::call('feennex_string_to_sign', [$nameArray, $valueArray, count($names)]);
}

/** The canonical text of an amount (`"10.50"` gives `"10.5"`), the text the server signs. */
function amount_text(string|int $amount): string
{
    return Native::call('feennex_amount_text', [(string) $amount]);
}

/**
 * The typed data of an answer to `$operation` (such as `"transfer/create"`),
 * amounts as exact decimal strings; an error envelope throws a
 * FeennexException with the API's code.
 *
 * @return array<string, mixed>
 */
function parse_response(string $operation, int $status, string $body): array
{
    return Json::decode(Native::call('feennex_parse', [$operation, $status, Native::bytes($body), strlen($body)]));
}

/** Whether a withdrawal in this status has ended (the core's rule: 4 and 9 look like errors but are not final). */
function withdraw_status_is_final(int $status): bool
{
    return Native::ffi()->feennex_withdraw_status_is_final($status);
}

/**
 * @param array<string, mixed> $fields
 * @return array{0: list<string>, 1: list<string>}
 * @internal
 */
function fieldTexts(array $fields): array
{
    $names = [];
    $values = [];
    foreach ($fields as $name => $value) {
        if (!is_string($value) && !is_int($value)) {
            throw FeennexException::invalid((string) $name, 'a field value is a string or an integer');
        }
        $names[] = (string) $name;
        $values[] = (string) $value;
    }
    return [$names, $values];
}
