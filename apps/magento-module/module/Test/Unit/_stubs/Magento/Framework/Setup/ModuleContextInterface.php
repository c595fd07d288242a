<?php

// Test stub of Magento\Framework\Setup\ModuleContextInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Setup;

interface ModuleContextInterface
{
}
