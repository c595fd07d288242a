<?php

declare(strict_types=1);

namespace Varai\TryOn\Controller\Adminhtml\Connection;

use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\Result\Json;
use Magento\Framework\Controller\Result\JsonFactory;
use Magento\Store\Model\StoreManagerInterface;
use Varai\TryOn\Model\ConnectionTester;

/**
 * POST varai_tryon/connection/test (the config page's button; form key checked by the backend):
 * tests the saved configuration of the scope being edited.
 */
class Test extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'Varai_TryOn::config';

    public function __construct(
        Context $context,
        private readonly JsonFactory $jsonFactory,
        private readonly ConnectionTester $tester,
        private readonly StoreManagerInterface $storeManager
    ) {
        parent::__construct($context);
    }

    public function execute(): Json
    {
        return $this->jsonFactory->create()->setData($this->tester->test($this->scopeStoreId()));
    }

    /** The store view being edited; for a website (or the default scope), its default store view. */
    private function scopeStoreId(): int
    {
        $store = (int) $this->getRequest()->getParam('store');
        if ($store > 0) {
            return $store;
        }
        $website = (int) $this->getRequest()->getParam('website');
        if ($website > 0) {
            return (int) $this->storeManager->getWebsite($website)->getDefaultStore()->getId();
        }
        return (int) $this->storeManager->getDefaultStoreView()->getId();
    }
}
