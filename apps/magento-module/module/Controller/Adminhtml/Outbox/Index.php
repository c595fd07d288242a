<?php

declare(strict_types=1);

namespace Varai\TryOn\Controller\Adminhtml\Outbox;

use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\View\Result\Page;
use Magento\Framework\View\Result\PageFactory;

/** Stores > Other Settings > VARAi Event Outbox: counts per status and the dead events. */
class Index extends Action implements HttpGetActionInterface
{
    public const ADMIN_RESOURCE = 'Varai_TryOn::outbox';

    public function __construct(Context $context, private readonly PageFactory $pageFactory)
    {
        parent::__construct($context);
    }

    public function execute(): Page
    {
        $page = $this->pageFactory->create();
        $page->setActiveMenu('Varai_TryOn::outbox');
        $page->getConfig()->getTitle()->prepend(__('VARAi Event Outbox'));
        return $page;
    }
}
