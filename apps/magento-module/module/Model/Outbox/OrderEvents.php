<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

use Varai\TryOn\Model\Attribution\SessionId;

/**
 * A placed order as an `order.placed` outbox row for its store view: the lines the shopper saw
 * (visible items: a configurable's parent, not its child), the order currency and grand total,
 * and the VARAi session that was on the cart. The adapter maps it to a purchase.
 */
class OrderEvents
{
    public function __construct(
        private readonly StoreTargets $targets,
        private readonly EventBuilder $events,
        private readonly OutboxRepository $outbox,
        private readonly SessionId $sessionId
    ) {
    }

    /** @param object $order Magento\Sales\Model\Order */
    public function record(object $order): void
    {
        $target = $this->targets->forStore((int) $order->getStoreId());
        if ($target === null) {
            return;
        }
        $items = [];
        foreach ($order->getAllVisibleItems() as $item) {
            $qty = (float) $item->getQtyOrdered();
            $items[] = [
                'product_id' => (int) $item->getProductId(),
                'sku' => (string) $item->getSku(),
                // Magento keeps qty as decimal(12,4): whole quantities go out as integers.
                'qty' => floor($qty) === $qty ? (int) $qty : $qty,
                'price' => $this->decimal($item->getPrice()),
            ];
        }
        $createdAt = $order->getCreatedAt();
        $row = $this->events->order($target['store_id'], $target['code'], [
            'id' => (int) $order->getId(),
            'increment_id' => (string) $order->getIncrementId(),
            'currency' => (string) $order->getOrderCurrencyCode(),
            'grand_total' => $this->decimal($order->getGrandTotal()),
            'created_at' => is_string($createdAt) && $createdAt !== '' ? $createdAt : null,
            'varai_session_id' => $this->sessionId->normalize($order->getData(SessionId::FIELD)),
            'items' => $items,
        ]);
        $this->outbox->add([$row], $this->events->magentoTime());
    }

    /** Magento's decimal(20,4) as text: "129.9000" -> "129.90"; never a float in the JSON. */
    private function decimal(mixed $value): string
    {
        $text = is_string($value) ? $value : sprintf('%.4F', (float) $value);
        if (preg_match('/^-?\d+(\.\d+)?$/', $text) !== 1) {
            return '0.00';
        }
        [$whole, $fraction] = array_pad(explode('.', $text, 2), 2, '');
        $fraction = rtrim($fraction, '0');
        return $whole . '.' . str_pad($fraction, 2, '0');
    }
}
