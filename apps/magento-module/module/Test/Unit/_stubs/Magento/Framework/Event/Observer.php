<?php

// Test stub of Magento\Framework\Event\Observer (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Event;

use Magento\Framework\DataObject;
use Magento\Framework\Event;

class Observer extends DataObject
{
    public function getEvent(): Event
    {
        return $this->getData('event');
    }
}
