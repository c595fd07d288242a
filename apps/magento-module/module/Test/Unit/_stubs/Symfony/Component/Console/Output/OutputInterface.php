<?php

// Test stub of Symfony\Component\Console\Output\OutputInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Symfony\Component\Console\Output;

interface OutputInterface
{
    public function writeln($messages, int $options = 0);
}
