<?php

// Test stub of Magento\Framework\DB\Adapter\AdapterInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\DB\Adapter;

interface AdapterInterface
{
    public function insertMultiple($table, array $data);

    public function fetchAll($sql, $bind = [], $fetchMode = null);

    public function update($table, array $bind, $where = '');

    public function delete($table, $where = '');

    public function dropTable($tableName, $schemaName = null);

    public function tableColumnExists($tableName, $columnName, $schemaName = null);

    public function dropColumn($tableName, $columnName, $schemaName = null);
}
