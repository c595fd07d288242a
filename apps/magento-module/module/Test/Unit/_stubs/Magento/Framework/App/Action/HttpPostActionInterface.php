<?php

// Test stub of Magento\Framework\App\Action\HttpPostActionInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\App\Action;

interface HttpPostActionInterface
{
}
