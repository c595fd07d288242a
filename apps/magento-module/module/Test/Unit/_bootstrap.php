<?php

/**
 * Test bootstrap (Klaviyo's pattern): no Magento code can be obtained here, so the Magento,
 * Symfony and PSR classes the module touches come from small hand-written stubs under
 * Test/Unit/_stubs (one class per file, path = namespace). An autoloader resolves the module's
 * own classes from the module root and everything else from the stubs. A green run means the
 * module is internally consistent, not that it was verified against a real Magento.
 */

declare(strict_types=1);

$moduleRoot = dirname(__DIR__, 2);

spl_autoload_register(static function (string $class) use ($moduleRoot): void {
    $prefix = 'Varai\\TryOn\\';
    if (str_starts_with($class, $prefix)) {
        $file = $moduleRoot . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    } else {
        $file = __DIR__ . '/_stubs/' . str_replace('\\', '/', $class) . '.php';
    }
    if (is_file($file)) {
        require $file;
    }
});

if (!function_exists('__')) {
    /** Magento's translation function: `%1`, `%2` ... replaced, no translation. */
    function __(string $text, mixed ...$args): string
    {
        foreach ($args as $i => $arg) {
            $text = str_replace('%' . ($i + 1), (string) $arg, $text);
        }
        return $text;
    }
}

require $moduleRoot . '/registration.php';
