<?php

// Test stub of Magento\Framework\Component\ComponentRegistrar (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Component;

class ComponentRegistrar
{
    public const MODULE = 'module';
    /** @var array<string, array<string, string>> */
    private static array $paths = [];

    public static function register(string $type, string $name, string $path): void
    {
        self::$paths[$type][$name] = str_replace('\\', '/', $path);
    }

    public function getPath(string $type, string $name): ?string
    {
        return self::$paths[$type][$name] ?? null;
    }
}
