<?php

// Test stub of Magento\Framework\Stdlib\CookieManagerInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Stdlib;

interface CookieManagerInterface
{
    public function getCookie($name, $default = null);
}
