<?php

// Test stub of Magento\Backend\Block\Template (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Backend\Block;

class Template extends \Magento\Framework\View\Element\Template
{
}
