<?php

// Test stub of Magento\Framework\Event\ObserverInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Event;

use Magento\Framework\Event\Observer;

interface ObserverInterface
{
    public function execute(Observer $observer);
}
