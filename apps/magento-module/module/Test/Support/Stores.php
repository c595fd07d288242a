<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Store\Model\StoreManagerInterface;

/** Store views by id; the first one is the current and default view. */
class Stores implements StoreManagerInterface
{
    /** @var array<int, Store> */
    private array $stores = [];

    /** @param array<int, string> $codes id => code */
    public function __construct(array $codes = [1 => 'default'])
    {
        foreach ($codes as $id => $code) {
            $this->stores[$id] = new Store($id, $code);
        }
    }

    public function getStores($withDefault = false, $codeKey = false)
    {
        return array_values($this->stores);
    }

    public function getStore($storeId = null)
    {
        return $storeId === null ? reset($this->stores) : $this->stores[(int) $storeId];
    }

    public function getWebsite($websiteId = null)
    {
        return reset($this->stores);
    }

    public function getDefaultStoreView()
    {
        return reset($this->stores);
    }
}
