<?php

// Test stub of Magento\Framework\Controller\Result\JsonFactory (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Controller\Result;

class JsonFactory
{
    public function create(array $data = []): Json
    {
        return new Json();
    }
}
