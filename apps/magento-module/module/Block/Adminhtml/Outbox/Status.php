<?php

declare(strict_types=1);

namespace Varai\TryOn\Block\Adminhtml\Outbox;

use Magento\Backend\Block\Template;
use Magento\Backend\Block\Template\Context;
use Varai\TryOn\Model\Outbox\OutboxRepository;

/** The outbox view: counts per status and the newest dead events with their last error. */
class Status extends Template
{
    protected $_template = 'Varai_TryOn::outbox/status.phtml';

    public function __construct(Context $context, private readonly OutboxRepository $outbox, array $data = [])
    {
        parent::__construct($context, $data);
    }

    /** @return array<string, int> */
    public function getCounts(): array
    {
        return $this->outbox->countsByStatus();
    }

    /** @return list<array<string, mixed>> */
    public function getDeadEvents(): array
    {
        return $this->outbox->latestDead(50);
    }

    public function getRetryDeadUrl(): string
    {
        return $this->getUrl('varai_tryon/outbox/retryDead');
    }
}
