<?php

// Test stub of Magento\Store\Model\ScopeInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Store\Model;

interface ScopeInterface
{
    public const SCOPE_STORES = 'stores';
    public const SCOPE_STORE = 'store';
    public const SCOPE_WEBSITE = 'website';
}
