<?php

declare(strict_types=1);

namespace Varai\TryOn\Setup;

use Magento\Framework\Setup\ModuleContextInterface;
use Magento\Framework\Setup\SchemaSetupInterface;
use Magento\Framework\Setup\UninstallInterface;
use Varai\TryOn\Model\Attribution\SessionId;
use Varai\TryOn\Model\Outbox\OutboxRepository;

/**
 * `bin/magento module:uninstall Varai_TryOn` (add `--non-composer` for an app/code install):
 * drops the outbox and the attribution columns and deletes the module's configuration. A plain
 * `module:disable` keeps all of it.
 */
class Uninstall implements UninstallInterface
{
    public function uninstall(SchemaSetupInterface $setup, ModuleContextInterface $context): void
    {
        $setup->startSetup();
        $connection = $setup->getConnection();
        $connection->dropTable($setup->getTable(OutboxRepository::TABLE));
        foreach (['quote', 'sales_order'] as $table) {
            $name = $setup->getTable($table);
            if ($connection->tableColumnExists($name, SessionId::FIELD)) {
                $connection->dropColumn($name, SessionId::FIELD);
            }
        }
        $connection->delete($setup->getTable('core_config_data'), ['path LIKE ?' => 'varai_tryon/%']);
        $setup->endSetup();
    }
}
