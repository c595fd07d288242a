<?php

// Test stub of Magento\Backend\App\Action\Context (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Backend\App\Action;

use Magento\Framework\App\RequestInterface;

class Context
{
    public function __construct(public RequestInterface $request, public ?object $messageManager = null, public ?object $resultRedirectFactory = null)
    {
    }
}
