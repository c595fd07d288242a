<?php

declare(strict_types=1);

namespace Varai\TryOn\Observer;

use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;
use Magento\Framework\Stdlib\CookieManagerInterface;
use Varai\TryOn\Model\Attribution\SessionId;

/**
 * `sales_quote_save_before` on the storefront: the shopper's VARAi session (cookie
 * `varai_session`) goes onto the cart. The latest session wins: it is the one that led to checkout.
 */
class QuoteSession implements ObserverInterface
{
    public function __construct(
        private readonly CookieManagerInterface $cookies,
        private readonly SessionId $sessionId
    ) {
    }

    public function execute(Observer $observer): void
    {
        $quote = $observer->getEvent()->getData('quote');
        if ($quote === null) {
            return;
        }
        $session = $this->sessionId->normalize($this->cookies->getCookie(SessionId::COOKIE));
        if ($session !== null && $quote->getData(SessionId::FIELD) !== $session) {
            $quote->setData(SessionId::FIELD, $session);
        }
    }
}
