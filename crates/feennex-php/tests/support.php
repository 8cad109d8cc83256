<?php
// Registration, assertions and the sandbox, for the tests.

declare(strict_types=1);

final class Support
{
    /** @var list<array{0: string, 1: callable}> */
    public static array $cases = [];

    public static function repo(): string
    {
        return dirname(__DIR__, 3);
    }

    /** @return array<mixed> */
    public static function json(string $path): array
    {
        return json_decode(file_get_contents(self::repo() . '/' . $path), true, 512, JSON_THROW_ON_ERROR);
    }

    public static function baseUrl(): string
    {
        $url = getenv('FEENNEX_BASE_URL');
        if (!is_string($url) || $url === '') {
            throw new RuntimeException('FEENNEX_BASE_URL names no sandbox (run .ci/php)');
        }
        return rtrim($url, '/');
    }

    public static function shopId(): int
    {
        return (int) getenv('FEENNEX_SHOP_ID');
    }

    public static function secret(): string
    {
        return (string) getenv('FEENNEX_SECRET_KEY');
    }

    public static function client(array $options = []): Feennex\Client
    {
        return new Feennex\Client(self::shopId(), self::secret(), self::baseUrl(), $options);
    }

    /** A sandbox route (not signed, never faulted). */
    public static function admin(string $method, string $route, ?array $body = null): mixed
    {
        $curl = curl_init(self::baseUrl() . '/_sandbox/' . $route);
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
            CURLOPT_TIMEOUT => 10,
        ]);
        if ($body !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, json_encode($body));
        }
        $answer = curl_exec($curl);
        curl_close($curl);
        return json_decode((string) $answer, true);
    }

    public static function unique(string $prefix): string
    {
        return $prefix . '-' . hrtime(true);
    }
}

function test(string $name, callable $case): void
{
    Support::$cases[] = [$name, $case];
}

function check(bool $condition, string $what): void
{
    if (!$condition) {
        throw new RuntimeException("check failed: $what");
    }
}

function same(mixed $expected, mixed $actual, string $what = ''): void
{
    if ($expected !== $actual) {
        throw new RuntimeException("$what: expected " . var_export($expected, true) . ', got ' . var_export($actual, true));
    }
}

/** Runs `$work`, which must throw `$class`; returns what it threw. */
function throws(string $class, callable $work): Throwable
{
    try {
        $work();
    } catch (Throwable $error) {
        if ($error instanceof $class) {
            return $error;
        }
        throw new RuntimeException("expected $class, got " . get_class($error) . ': ' . $error->getMessage(), 0, $error);
    }
    throw new RuntimeException("expected $class, nothing was thrown");
}
