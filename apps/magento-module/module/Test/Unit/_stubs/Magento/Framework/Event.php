<?php

// Test stub of Magento\Framework\Event (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework;

class Event extends DataObject
{
}
