<?php

declare(strict_types=1);

namespace Varai\TryOn\Observer;

use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Varai\TryOn\Model\Outbox\EventBuilder;
use Varai\TryOn\Model\Outbox\ProductEvents;

/**
 * `catalog_product_save_after` runs inside the product save's transaction: the outbox row commits
 * or rolls back with the product. No HTTP here; the cron sender delivers it.
 */
class ProductSaveAfter implements ObserverInterface
{
    public function __construct(private readonly ProductEvents $productEvents)
    {
    }

    public function execute(Observer $observer): void
    {
        $product = $observer->getEvent()->getData('product');
        if ($product === null || !$product->getId() || (string) $product->getSku() === '') {
            return;
        }
        $topic = $product->isObjectNew() ? EventBuilder::PRODUCT_CREATED : EventBuilder::PRODUCT_UPDATED;
        $updatedAt = $product->getData('updated_at');
        $this->productEvents->record($topic, [[
            'id' => (int) $product->getId(),
            'sku' => (string) $product->getSku(),
            'updated_at' => is_string($updatedAt) && $updatedAt !== '' ? $updatedAt : null,
            'scope_store_id' => (int) $product->getStoreId(),
            'store_ids' => array_values((array) $product->getStoreIds()),
        ]]);
    }
}
