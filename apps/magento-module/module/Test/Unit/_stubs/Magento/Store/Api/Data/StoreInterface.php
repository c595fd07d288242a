<?php

// Test stub of Magento\Store\Api\Data\StoreInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Store\Api\Data;

interface StoreInterface
{
    public function getId();

    public function getCode();
}
