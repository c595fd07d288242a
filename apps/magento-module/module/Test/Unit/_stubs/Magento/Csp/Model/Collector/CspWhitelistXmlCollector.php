<?php

// Test stub of Magento\Csp\Model\Collector\CspWhitelistXmlCollector (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Csp\Model\Collector;

class CspWhitelistXmlCollector
{
}
