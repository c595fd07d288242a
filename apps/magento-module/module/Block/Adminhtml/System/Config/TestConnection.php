<?php

declare(strict_types=1);

namespace Varai\TryOn\Block\Adminhtml\System\Config;

use Magento\Config\Block\System\Config\Form\Field;
use Magento\Framework\Data\Form\Element\AbstractElement;

/** The "Test connection" button; its script (Varai_TryOn/js/test-connection) posts to the controller. */
class TestConnection extends Field
{
    protected $_template = 'Varai_TryOn::system/config/test-connection.phtml';

    public function render(AbstractElement $element): string
    {
        // A button has no value to inherit or scope to show.
        $element->unsScope()->unsCanUseWebsiteValue()->unsCanUseDefaultValue();
        return parent::render($element);
    }

    protected function _getElementHtml(AbstractElement $element): string
    {
        return $this->_toHtml();
    }

    /** JSON for data-mage-init: where to post and which scope is being edited. */
    public function getWidgetConfig(): string
    {
        $request = $this->getRequest();
        return (string) json_encode([
            'Varai_TryOn/js/test-connection' => [
                'url' => $this->getUrl('varai_tryon/connection/test'),
                'store' => (int) $request->getParam('store'),
                'website' => (int) $request->getParam('website'),
            ],
        ], JSON_UNESCAPED_SLASHES | JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_HEX_AMP);
    }
}
