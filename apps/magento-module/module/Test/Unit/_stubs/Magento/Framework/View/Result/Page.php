<?php

// Test stub of Magento\Framework\View\Result\Page (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\View\Result;

class Page
{
}
