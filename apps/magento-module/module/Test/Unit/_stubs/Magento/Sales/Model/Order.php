<?php

// Test stub of Magento\Sales\Model\Order (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Sales\Model;

use Magento\Framework\DataObject;

class Order extends DataObject
{
    /** @var array<string, mixed> */
    private array $origData = [];

    public function getOrigData($key = null): mixed
    {
        return $key === null ? $this->origData : ($this->origData[$key] ?? null);
    }

    public function setOrigData($key = null, $data = null): static
    {
        $this->origData[$key] = $data;
        return $this;
    }

    public function getAllVisibleItems(): array
    {
        return $this->getData('items') ?? [];
    }
}
