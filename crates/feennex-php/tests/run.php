<?php
// The PHP package's tests, in PHP, without a framework: every *_test.php here
// registers cases with test(); each runs, and the run ends with the line
// "N passed, N failed" and a non-zero exit status when any failed. Tests that
// cross the wire use the sandbox named by FEENNEX_BASE_URL, FEENNEX_SHOP_ID and
// FEENNEX_SECRET_KEY (.ci/php starts one).

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';
require __DIR__ . '/support.php';

foreach (glob(__DIR__ . '/*_test.php') as $file) {
    require $file;
}

$passed = 0;
$failed = 0;
foreach (Support::$cases as [$name, $case]) {
    try {
        $case();
        $passed++;
        echo "ok - $name\n";
    } catch (Throwable $error) {
        $failed++;
        echo "not ok - $name\n    " . get_class($error) . ': ' . $error->getMessage() . "\n    at "
            . $error->getFile() . ':' . $error->getLine() . "\n";
    }
}
echo "$passed passed, $failed failed\n";
exit($failed === 0 && $passed > 0 ? 0 : 1);
