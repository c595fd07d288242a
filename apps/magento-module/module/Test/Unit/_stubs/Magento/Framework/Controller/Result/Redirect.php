<?php

// Test stub of Magento\Framework\Controller\Result\Redirect (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Controller\Result;

class Redirect
{
    public string $path = '';

    public function setPath($path, array $params = []): static
    {
        $this->path = $path;
        return $this;
    }
}
