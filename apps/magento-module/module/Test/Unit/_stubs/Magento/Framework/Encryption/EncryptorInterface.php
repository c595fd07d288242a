<?php

// Test stub of Magento\Framework\Encryption\EncryptorInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Encryption;

interface EncryptorInterface
{
    public function encrypt($data);

    public function decrypt($data);
}
