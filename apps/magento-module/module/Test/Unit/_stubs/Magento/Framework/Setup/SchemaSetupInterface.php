<?php

// Test stub of Magento\Framework\Setup\SchemaSetupInterface (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\Setup;

interface SchemaSetupInterface
{
    public function getConnection();

    public function getTable($tableName);

    public function startSetup();

    public function endSetup();
}
