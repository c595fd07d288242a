<?php

declare(strict_types=1);

namespace Varai\TryOn\Controller\Adminhtml\Outbox;

use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpPostActionInterface;
use Magento\Framework\Controller\Result\Redirect;
use Varai\TryOn\Model\Outbox\Drainer;

/** POST varai_tryon/outbox/retryDead: dead events get a fresh set of attempts on the next cron run. */
class RetryDead extends Action implements HttpPostActionInterface
{
    public const ADMIN_RESOURCE = 'Varai_TryOn::outbox';

    public function __construct(Context $context, private readonly Drainer $drainer)
    {
        parent::__construct($context);
    }

    public function execute(): Redirect
    {
        $count = $this->drainer->requeueDead();
        $this->messageManager->addSuccessMessage(
            __('%1 dead event(s) will be sent again by the next cron run.', $count)
        );
        return $this->resultRedirectFactory->create()->setPath('varai_tryon/outbox/index');
    }
}
