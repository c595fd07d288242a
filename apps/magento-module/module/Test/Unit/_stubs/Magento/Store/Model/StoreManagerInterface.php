<?php

// Test stub of Magento\Store\Model\StoreManagerInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Store\Model;

use Magento\Store\Api\Data\StoreInterface;

interface StoreManagerInterface
{
    /** @return StoreInterface[] */
    public function getStores($withDefault = false, $codeKey = false);

    /** @return StoreInterface */
    public function getStore($storeId = null);

    public function getWebsite($websiteId = null);

    public function getDefaultStoreView();
}
