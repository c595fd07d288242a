<?php

// Test stub of Magento\Framework\Data\Form\Element\AbstractElement (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Data\Form\Element;

use Magento\Framework\DataObject;

class AbstractElement extends DataObject
{
}
