<?php

declare(strict_types=1);

namespace Varai\TryOn\Observer;

use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Varai\TryOn\Model\Outbox\EventBuilder;
use Varai\TryOn\Model\Outbox\ProductEvents;

/** `catalog_product_delete_after`, inside the delete's transaction: a tombstone event per store view. */
class ProductDeleteAfter implements ObserverInterface
{
    public function __construct(private readonly ProductEvents $productEvents)
    {
    }

    public function execute(Observer $observer): void
    {
        $product = $observer->getEvent()->getData('product');
        if ($product === null || !$product->getId()) {
            return;
        }
        $this->productEvents->record(EventBuilder::PRODUCT_DELETED, [[
            'id' => (int) $product->getId(),
            'sku' => (string) $product->getSku(),
            'updated_at' => null,
            // A delete removes the product from every view.
            'scope_store_id' => 0,
            'store_ids' => array_values((array) $product->getStoreIds()),
        ]]);
    }
}
