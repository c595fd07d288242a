<?php

// Test stub of Magento\Backend\Block\Template\Context (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Backend\Block\Template;

class Context extends \Magento\Framework\View\Element\Template\Context
{
}
