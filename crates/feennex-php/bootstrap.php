<?php
// Loads the package without Composer: `require 'crates/feennex-php/bootstrap.php';`.
// Classes are found by the same PSR-4 rule Composer uses (Feennex\ is src/).

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Feennex\\', 8) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 8)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});

require_once __DIR__ . '/src/functions.php';
