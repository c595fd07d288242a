<?php

// Test stub of Psr\Log\LoggerInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Psr\Log;

interface LoggerInterface
{
    public function warning($message, array $context = []);

    public function error($message, array $context = []);

    public function info($message, array $context = []);
}
