<?php

// Test stub of Magento\Config\Block\System\Config\Form\Field (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Config\Block\System\Config\Form;

use Magento\Backend\Block\Template;
use Magento\Framework\Data\Form\Element\AbstractElement;

class Field extends Template
{
    public function render(AbstractElement $element)
    {
        return '<tr><td class="value">' . $this->_getElementHtml($element) . '</td></tr>';
    }

    protected function _getElementHtml(AbstractElement $element)
    {
        return '';
    }
}
