<?php

declare(strict_types=1);

namespace Varai\TryOn\Block\Adminhtml\System\Config;

use Magento\Backend\Block\Template\Context;
use Magento\Config\Block\System\Config\Form\Field;
use Magento\Framework\Data\Form\Element\AbstractElement;
use Varai\TryOn\Model\Outbox\OutboxRepository;

/** One line on the config page: the outbox counts and a link to the outbox view. */
class OutboxStatus extends Field
{
    public function __construct(Context $context, private readonly OutboxRepository $outbox, array $data = [])
    {
        parent::__construct($context, $data);
    }

    protected function _getElementHtml(AbstractElement $element): string
    {
        $counts = $this->outbox->countsByStatus();
        $text = (string) __(
            '%1 waiting, %2 to retry, %3 dead, %4 sent.',
            $counts[OutboxRepository::PENDING],
            $counts[OutboxRepository::RETRY],
            $counts[OutboxRepository::DEAD],
            $counts[OutboxRepository::SENT]
        );
        return sprintf(
            '<span class="varai-outbox-status">%s</span> <a href="%s">%s</a>',
            $this->escapeHtml($text),
            $this->escapeUrl($this->getUrl('varai_tryon/outbox/index')),
            $this->escapeHtml((string) __('Open the outbox'))
        );
    }
}
