<?php

// Test stub of Magento\Framework\App\RequestInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\App;

interface RequestInterface
{
    public function getParam($key, $defaultValue = null);
}
