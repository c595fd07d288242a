<?php

declare(strict_types=1);

namespace Varai\TryOn\Observer;

use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Varai\TryOn\Model\Attribution\SessionId;

/** `sales_model_service_quote_submit_before`: the cart's VARAi session goes onto the order it becomes. */
class CopySessionToOrder implements ObserverInterface
{
    public function __construct(private readonly SessionId $sessionId)
    {
    }

    public function execute(Observer $observer): void
    {
        $event = $observer->getEvent();
        $quote = $event->getData('quote');
        $order = $event->getData('order');
        if ($quote === null || $order === null) {
            return;
        }
        $session = $this->sessionId->normalize($quote->getData(SessionId::FIELD));
        if ($session !== null) {
            $order->setData(SessionId::FIELD, $session);
        }
    }
}
