<?php

// Test stub of Magento\Framework\Controller\Result\Json (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Controller\Result;

class Json
{
    public array $data = [];

    public function setData($data): static
    {
        $this->data = $data;
        return $this;
    }
}
