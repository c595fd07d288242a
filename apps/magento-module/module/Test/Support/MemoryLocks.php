<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Framework\Lock\LockManagerInterface;

class MemoryLocks implements LockManagerInterface
{
    /** @var array<string, true> */
    public array $held = [];

    public function lock(string $name, int $timeout = -1): bool
    {
        if (isset($this->held[$name])) {
            return false;
        }
        $this->held[$name] = true;
        return true;
    }

    public function unlock(string $name): bool
    {
        unset($this->held[$name]);
        return true;
    }

    public function isLocked(string $name): bool
    {
        return isset($this->held[$name]);
    }
}
