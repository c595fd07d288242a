<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

use Magento\Store\Model\StoreManagerInterface;
use Varai\TryOn\Model\Config;

/**
 * Which store views an event goes out for. A save in one store view's scope changes that view
 * only; a save in the default scope (store 0) changes every view the product is in. Views that
 * share one VARAi connection get one event (the connection reads one store view).
 */
class StoreTargets
{
    public function __construct(
        private readonly StoreManagerInterface $storeManager,
        private readonly Config $config
    ) {
    }

    /**
     * @param int $scopeStoreId the store the save was made in (0 = default scope)
     * @param list<int|string> $productStoreIds the views the product is assigned to (empty = all)
     * @return list<array{store_id: int, code: string}>
     */
    public function forScope(int $scopeStoreId, array $productStoreIds): array
    {
        $wanted = $scopeStoreId > 0 ? [$scopeStoreId] : array_map('intval', $productStoreIds);
        $targets = [];
        $seen = [];
        foreach ($this->storeManager->getStores(false) as $store) {
            $storeId = (int) $store->getId();
            if ($wanted !== [] && !in_array($storeId, $wanted, true)) {
                continue;
            }
            if (!$this->config->canSend($storeId)) {
                continue;
            }
            $connection = $this->config->getApiUrl($storeId) . "\n" . $this->config->getConnectionId($storeId);
            if (isset($seen[$connection])) {
                continue;
            }
            $seen[$connection] = true;
            $targets[] = ['store_id' => $storeId, 'code' => (string) $store->getCode()];
        }
        return $targets;
    }

    /** @return array{store_id: int, code: string}|null the view itself, when it can send */
    public function forStore(int $storeId): ?array
    {
        if (!$this->config->canSend($storeId)) {
            return null;
        }
        return ['store_id' => $storeId, 'code' => (string) $this->storeManager->getStore($storeId)->getCode()];
    }
}
