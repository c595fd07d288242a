<?php

// Test stub of Magento\Framework\View\Element\Template\Context (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\View\Element\Template;

use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Framework\App\RequestInterface;
use Magento\Framework\Escaper;
use Magento\Store\Model\StoreManagerInterface;

/** Stub: what the module's blocks read from their context. */
class Context
{
    public function __construct(
        public ScopeConfigInterface $scopeConfig,
        public StoreManagerInterface $storeManager,
        public ?RequestInterface $request = null,
        public Escaper $escaper = new Escaper()
    ) {
        $this->request ??= new class () implements RequestInterface {
            public function getParam($key, $defaultValue = null)
            {
                return $defaultValue;
            }
        };
    }
}
