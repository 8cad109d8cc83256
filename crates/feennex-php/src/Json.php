<?php

declare(strict_types=1);

namespace Feennex;

/**
 * Parameters as the JSON object the core reads (one reader for every
 * language): strings and integers as they are; a float is sent as a JSON
 * fraction, which the core refuses for every amount (a float cannot say which
 * decimal was meant: give amounts as strings, such as "10.50").
 *
 * @internal
 */
final class Json
{
    /** @param array<string, mixed> $object */
    public static function object(array $object): string
    {
        try {
            return $object === []
                ? '{}'
                : json_encode((object) $object, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $error) {
            throw FeennexException::invalid('params', $error->getMessage());
        }
    }

    /** @return array<mixed> */
    public static function decode(string $json): array
    {
        return json_decode($json, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
    }
}
