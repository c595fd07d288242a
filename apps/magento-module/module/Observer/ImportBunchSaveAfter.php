<?php

declare(strict_types=1);

namespace Varai\TryOn\Observer;

use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Magento\Store\Model\StoreManagerInterface;
use Varai\TryOn\Model\Outbox\EventBuilder;
use Varai\TryOn\Model\Outbox\ProductEvents;

/**
 * `catalog_product_import_bunch_save_after`: imports save products in bunches and fire no
 * per-product events. Each bunch row names a SKU (and a store view code for store-scoped
 * values); the import adapter knows the entity id of every SKU it wrote.
 */
class ImportBunchSaveAfter implements ObserverInterface
{
    public function __construct(
        private readonly ProductEvents $productEvents,
        private readonly StoreManagerInterface $storeManager
    ) {
    }

    public function execute(Observer $observer): void
    {
        $event = $observer->getEvent();
        $adapter = $event->getData('adapter');
        $bunch = $event->getData('bunch');
        if ($adapter === null || !is_array($bunch)) {
            return;
        }
        $storeIds = $this->storeIdsByCode();
        $products = [];
        foreach ($bunch as $row) {
            $sku = trim((string) ($row['sku'] ?? ''));
            $id = $sku === '' ? 0 : (int) (($adapter->getNewSku($sku) ?? [])['entity_id'] ?? 0);
            if ($id === 0) {
                continue;
            }
            $code = (string) ($row['store_view_code'] ?? '');
            // One event per SKU and store view even when the bunch has several rows for it.
            $products[$id . '|' . $code] = [
                'id' => $id,
                'sku' => $sku,
                'updated_at' => null,
                'scope_store_id' => $code === '' ? 0 : ($storeIds[$code] ?? 0),
                'store_ids' => [],
            ];
        }
        $this->productEvents->record(EventBuilder::PRODUCT_UPDATED, array_values($products));
    }

    /** @return array<string, int> */
    private function storeIdsByCode(): array
    {
        $ids = [];
        foreach ($this->storeManager->getStores(false) as $store) {
            $ids[(string) $store->getCode()] = (int) $store->getId();
        }
        return $ids;
    }
}
