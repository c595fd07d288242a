<?php

// Test stub of Magento\Backend\App\Action (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Backend\App;

use Magento\Backend\App\Action\Context;
use Magento\Framework\App\RequestInterface;

abstract class Action
{
    protected $messageManager;
    protected $resultRedirectFactory;
    private RequestInterface $request;

    public function __construct(Context $context)
    {
        $this->request = $context->request;
        $this->messageManager = $context->messageManager;
        $this->resultRedirectFactory = $context->resultRedirectFactory;
    }

    public function getRequest(): RequestInterface
    {
        return $this->request;
    }

    abstract public function execute();
}
