<?php

// Test stub of Symfony\Component\Console\Input\InputInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Symfony\Component\Console\Input;

interface InputInterface
{
    public function getOption(string $name);
}
