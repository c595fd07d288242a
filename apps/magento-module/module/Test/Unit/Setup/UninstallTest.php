<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Setup;

use Magento\Framework\Setup\ModuleContextInterface;
use Magento\Framework\Setup\SchemaSetupInterface;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Setup\Uninstall;
use Varai\TryOn\Test\Support\SqliteConnection;
use Varai\TryOn\Test\Support\SqliteSchema;

class UninstallTest extends TestCase
{
    public function testDropsTheOutboxTheAttributionColumnsAndTheModulesConfigOnly(): void
    {
        $db = new SqliteConnection();
        SqliteSchema::create($db, __DIR__ . '/../../../etc/db_schema.xml');
        $db->pdo->exec('ALTER TABLE quote ADD COLUMN entity_id INTEGER');
        $db->pdo->exec('ALTER TABLE sales_order ADD COLUMN entity_id INTEGER');
        $db->pdo->exec('CREATE TABLE core_config_data (path TEXT, value TEXT)');
        $db->pdo->exec("INSERT INTO core_config_data VALUES ('varai_tryon/general/shared_secret', 'x'), ('varai_tryon/outbox/batch_size', '5'), ('web/secure/base_url', 'https://shop')");

        $setup = $this->createMock(SchemaSetupInterface::class);
        $setup->method('getConnection')->willReturn($db);
        $setup->method('getTable')->willReturnArgument(0);
        $setup->expects($this->once())->method('startSetup');
        $setup->expects($this->once())->method('endSetup');
        (new Uninstall())->uninstall($setup, $this->createMock(ModuleContextInterface::class));

        $tables = array_column($db->fetchAll("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"), 'name');
        $this->assertNotContains('varai_tryon_outbox', $tables);
        $this->assertFalse($db->tableColumnExists('quote', 'varai_session_id'));
        $this->assertFalse($db->tableColumnExists('sales_order', 'varai_session_id'));
        $this->assertTrue($db->tableColumnExists('sales_order', 'entity_id'), 'the store\'s own columns stay');
        $this->assertSame(['web/secure/base_url'], array_column($db->fetchAll('SELECT path FROM core_config_data'), 'path'));
    }
}
