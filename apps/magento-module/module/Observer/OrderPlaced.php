<?php

declare(strict_types=1);

namespace Varai\TryOn\Observer;

use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Varai\TryOn\Model\Outbox\OrderEvents;

/**
 * `sales_order_save_after`, inside the order's first save transaction (it has its entity id by
 * then, unlike `sales_order_place_after`). A new order has no original data; later saves of the
 * same order (invoices, shipments, status changes) have it and send nothing. Checkout may save
 * the same new order object twice in one request (payment capture): a flag on it stops the second.
 */
class OrderPlaced implements ObserverInterface
{
    private const RECORDED = 'varai_tryon_order_event_recorded';

    public function __construct(private readonly OrderEvents $orderEvents)
    {
    }

    public function execute(Observer $observer): void
    {
        $order = $observer->getEvent()->getData('order');
        if ($order === null || !$order->getId() || $order->getOrigData('entity_id') !== null) {
            return;
        }
        if ($order->getData(self::RECORDED) === true) {
            return;
        }
        $order->setData(self::RECORDED, true);
        $this->orderEvents->record($order);
    }
}
