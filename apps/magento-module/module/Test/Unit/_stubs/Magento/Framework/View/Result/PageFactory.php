<?php

// Test stub of Magento\Framework\View\Result\PageFactory (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\View\Result;

class PageFactory
{
    public function create($isView = false, array $arguments = []): Page
    {
        return new Page();
    }
}
