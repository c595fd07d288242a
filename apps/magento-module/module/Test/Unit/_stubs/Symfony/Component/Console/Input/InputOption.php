<?php

// Test stub of Symfony\Component\Console\Input\InputOption (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Symfony\Component\Console\Input;

class InputOption
{
    public const VALUE_NONE = 1;
}
