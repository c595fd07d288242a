<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Framework\App\Config\ScopeConfigInterface;

/** Config values by path: the default scope, overridden per store view id (Magento's fallback). */
class ArrayScopeConfig implements ScopeConfigInterface
{
    /**
     * @param array<string, mixed> $defaults
     * @param array<int, array<string, mixed>> $stores
     */
    public function __construct(public array $defaults = [], public array $stores = [])
    {
    }

    public function getValue($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null)
    {
        if ($scopeCode !== null && array_key_exists($path, $this->stores[(int) $scopeCode] ?? [])) {
            return $this->stores[(int) $scopeCode][$path];
        }
        return $this->defaults[$path] ?? null;
    }

    public function isSetFlag($path, $scopeType = self::SCOPE_TYPE_DEFAULT, $scopeCode = null)
    {
        return (bool) $this->getValue($path, $scopeType, $scopeCode);
    }
}
