<?php

// Test stub of Magento\Framework\App\ResourceConnection (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\App;

use Magento\Framework\DB\Adapter\AdapterInterface;

/** Stub: one connection, table names with an optional prefix. */
class ResourceConnection
{
    public function __construct(private AdapterInterface $connection, private string $prefix = '')
    {
    }

    public function getConnection($resourceName = 'default'): AdapterInterface
    {
        return $this->connection;
    }

    public function getTableName($modelEntity, $connectionName = 'default'): string
    {
        return $this->prefix . $modelEntity;
    }
}
