<?php

// Test stub of Magento\Catalog\Helper\Data (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Catalog\Helper;

class Data
{
    public function __construct(private ?object $product = null)
    {
    }

    public function getProduct(): ?object
    {
        return $this->product;
    }
}
