<?php

// Test stub of Magento\Catalog\Model\Product (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Catalog\Model;

use Magento\Framework\DataObject;

class Product extends DataObject
{
    private bool $isNew = false;

    public function isObjectNew($flag = null): bool
    {
        if ($flag !== null) {
            $this->isNew = (bool) $flag;
        }
        return $this->isNew;
    }

    public function getStoreIds(): array
    {
        return $this->getData('store_ids') ?? [];
    }
}
