<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Etc;

use DOMDocument;
use DOMXPath;
use PHPUnit\Framework\TestCase;
use RecursiveDirectoryIterator;
use RecursiveIteratorIterator;

/**
 * Every XML file parses, and XPath checks what Magento would wire from it. Magento's XSDs live
 * in magento/framework, which is not obtainable here: these check our intent, not the schema.
 */
class XmlConfigTest extends TestCase
{
    private const ROOT = __DIR__ . '/../../..';

    private function xpath(string $file): DOMXPath
    {
        $doc = new DOMDocument();
        $this->assertTrue($doc->load(self::ROOT . '/' . $file), $file);
        $xpath = new DOMXPath($doc);
        $xpath->registerNamespace('xsi', 'http://www.w3.org/2001/XMLSchema-instance');
        return $xpath;
    }

    /** @return list<string> */
    private function values(DOMXPath $xpath, string $query): array
    {
        $values = [];
        foreach ($xpath->query($query) as $node) {
            $values[] = trim($node->nodeValue ?? '');
        }
        return $values;
    }

    public function testEveryXmlFileParses(): void
    {
        $files = [];
        foreach (['etc', 'view'] as $dir) {
            foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator(self::ROOT . '/' . $dir)) as $file) {
                if ($file->getExtension() === 'xml') {
                    $relative = substr($file->getPathname(), strlen(self::ROOT) + 1);
                    $this->assertTrue((new DOMDocument())->load($file->getPathname()), $relative);
                    $files[] = $relative;
                }
            }
        }
        sort($files);
        $this->assertSame([
            'etc/acl.xml', 'etc/adminhtml/menu.xml', 'etc/adminhtml/routes.xml', 'etc/adminhtml/system.xml',
            'etc/config.xml', 'etc/cron_groups.xml', 'etc/crontab.xml', 'etc/csp_whitelist.xml', 'etc/db_schema.xml',
            'etc/di.xml', 'etc/events.xml', 'etc/frontend/events.xml', 'etc/module.xml',
            'view/adminhtml/layout/varai_tryon_outbox_index.xml', 'view/frontend/layout/catalog_product_view.xml',
        ], $files);
        $this->assertIsArray(json_decode((string) file_get_contents(self::ROOT . '/etc/db_schema_whitelist.json'), true, 512, JSON_THROW_ON_ERROR));
    }

    public function testModuleIsNamedAndLoadsAfterCatalog(): void
    {
        $x = $this->xpath('etc/module.xml');
        $this->assertSame(['Varai_TryOn'], $this->values($x, '/config/module/@name'));
        $this->assertContains('Magento_Catalog', $this->values($x, '/config/module/sequence/module/@name'));
        $composer = json_decode((string) file_get_contents(self::ROOT . '/composer.json'), true);
        $this->assertSame('magento2-module', $composer['type']);
        $this->assertSame(['registration.php'], $composer['autoload']['files']);
        $this->assertSame('', $composer['autoload']['psr-4']['Varai\\TryOn\\']);
        $this->assertStringContainsString('8.2', $composer['require']['php']);
    }

    public function testObserversListenToTheCatalogAndOrderEvents(): void
    {
        $x = $this->xpath('etc/events.xml');
        $observers = [];
        foreach ($x->query('/config/event') as $event) {
            $observers[$event->getAttribute('name')] = $x->query('observer/@instance', $event)->item(0)->nodeValue;
        }
        $this->assertSame([
            'catalog_product_save_after' => 'Varai\\TryOn\\Observer\\ProductSaveAfter',
            'catalog_product_delete_after' => 'Varai\\TryOn\\Observer\\ProductDeleteAfter',
            'catalog_product_import_bunch_save_after' => 'Varai\\TryOn\\Observer\\ImportBunchSaveAfter',
            'sales_model_service_quote_submit_before' => 'Varai\\TryOn\\Observer\\CopySessionToOrder',
            'sales_order_save_after' => 'Varai\\TryOn\\Observer\\OrderPlaced',
        ], $observers);
        foreach ($observers as $class) {
            $this->assertTrue(class_exists($class), $class);
        }
        $front = $this->xpath('etc/frontend/events.xml');
        $this->assertSame(['Varai\\TryOn\\Observer\\QuoteSession'], $this->values($front, '/config/event[@name="sales_quote_save_before"]/observer/@instance'));
    }

    public function testCronDrainsEveryMinuteInItsOwnProcess(): void
    {
        $x = $this->xpath('etc/crontab.xml');
        $job = '/config/group[@id="varai_tryon"]/job[@name="varai_tryon_outbox_send"]';
        $this->assertSame(['Varai\\TryOn\\Cron\\SendOutbox'], $this->values($x, $job . '/@instance'));
        $this->assertSame(['execute'], $this->values($x, $job . '/@method'));
        $this->assertSame(['* * * * *'], $this->values($x, $job . '/schedule'));
        $this->assertTrue(method_exists('Varai\\TryOn\\Cron\\SendOutbox', 'execute'));
        $this->assertTrue(method_exists('Varai\\TryOn\\Cron\\CleanOutbox', 'execute'));
        $groups = $this->xpath('etc/cron_groups.xml');
        $this->assertSame(['1'], $this->values($groups, '/config/group[@id="varai_tryon"]/use_separate_process'));
    }

    public function testAclHoldsTheConfigUnderStoresConfigurationAndTheOutboxView(): void
    {
        $x = $this->xpath('etc/acl.xml');
        $base = '/config/acl/resources/resource[@id="Magento_Backend::admin"]/resource[@id="Magento_Backend::stores"]';
        $this->assertSame(1, $x->query($base . '/resource[@id="Magento_Backend::stores_settings"]/resource[@id="Magento_Config::config"]/resource[@id="Varai_TryOn::config"]')->length);
        $this->assertSame(1, $x->query($base . '/resource[@id="Magento_Backend::stores_other_settings"]/resource[@id="Varai_TryOn::outbox"]')->length);
        $this->assertSame('Varai_TryOn::config', \Varai\TryOn\Controller\Adminhtml\Connection\Test::ADMIN_RESOURCE);
        $this->assertSame('Varai_TryOn::outbox', \Varai\TryOn\Controller\Adminhtml\Outbox\Index::ADMIN_RESOURCE);
        $menu = $this->xpath('etc/adminhtml/menu.xml');
        $this->assertSame(['varai_tryon/outbox/index'], $this->values($menu, '/config/menu/add[@id="Varai_TryOn::outbox"]/@action'));
        $routes = $this->xpath('etc/adminhtml/routes.xml');
        $this->assertSame(['varai_tryon'], $this->values($routes, '/config/router[@id="admin"]/route[@id="varai_tryon"]/@frontName'));
    }

    public function testSystemConfigPathsMatchWhatTheModuleReads(): void
    {
        $x = $this->xpath('etc/adminhtml/system.xml');
        $paths = [];
        foreach ($x->query('/config/system/section/group/field') as $field) {
            $group = $field->parentNode;
            $paths[] = $group->parentNode->getAttribute('id') . '/' . $group->getAttribute('id') . '/' . $field->getAttribute('id');
        }
        $reflection = new \ReflectionClass(\Varai\TryOn\Model\Config::class);
        foreach ($reflection->getConstants() as $name => $path) {
            if (str_starts_with($name, 'XML_')) {
                $this->assertContains($path, $paths, $name);
            }
        }
        $this->assertSame(['Varai_TryOn::config'], $this->values($x, '/config/system/section[@id="varai_tryon"]/resource'));
        $secret = '/config/system/section/group[@id="general"]/field[@id="shared_secret"]';
        $this->assertSame(['obscure'], $this->values($x, $secret . '/@type'));
        $this->assertSame(['Magento\\Config\\Model\\Config\\Backend\\Encrypted'], $this->values($x, $secret . '/backend_model'));
        $this->assertSame(['Varai\\TryOn\\Block\\Adminhtml\\System\\Config\\TestConnection'], $this->values($x, '//field[@id="test_connection"]/frontend_model'));
        // Connection values can differ per store view.
        $this->assertSame(['1'], $this->values($x, '//group[@id="general"]/field[@id="connection_id"]/@showInStore'));
        $config = $this->xpath('etc/config.xml');
        $this->assertSame(['Magento\\Config\\Model\\Config\\Backend\\Encrypted'], $this->values($config, '/config/default/varai_tryon/general/shared_secret/@backend_model'));
        $this->assertSame(['10'], $this->values($config, '/config/default/varai_tryon/outbox/max_attempts'));
    }

    public function testCspAllowsTheVaraiHostForScriptsApiCallsAndImages(): void
    {
        $x = $this->xpath('etc/csp_whitelist.xml');
        foreach (['script-src', 'connect-src', 'img-src'] as $policy) {
            $this->assertContains('https://api.varai.ai', $this->values($x, sprintf('/csp_whitelist/policies/policy[@id="%s"]/values/value[@type="host"]', $policy)), $policy);
        }
        $config = $this->xpath('etc/config.xml');
        $this->assertSame(['https://api.varai.ai'], $this->values($config, '/config/default/varai_tryon/general/api_url'));
    }

    public function testOutboxTableAndAttributionColumnsAreDeclaredAndWhitelisted(): void
    {
        $x = $this->xpath('etc/db_schema.xml');
        $columns = $this->values($x, '/schema/table[@name="varai_tryon_outbox"]/column/@name');
        $whitelist = json_decode((string) file_get_contents(self::ROOT . '/etc/db_schema_whitelist.json'), true);
        $this->assertSame($columns, array_keys($whitelist['varai_tryon_outbox']['column']));
        $this->assertSame(
            $this->values($x, '/schema/table[@name="varai_tryon_outbox"]/index/@referenceId'),
            array_keys($whitelist['varai_tryon_outbox']['index'])
        );
        $this->assertSame(
            $this->values($x, '/schema/table[@name="varai_tryon_outbox"]/constraint/@referenceId'),
            array_keys($whitelist['varai_tryon_outbox']['constraint'])
        );
        $this->assertSame(['true'], $this->values($x, '//table[@name="varai_tryon_outbox"]/column[@name="outbox_id"]/@identity'));
        $this->assertSame(['event_id'], $this->values($x, '//constraint[@xsi:type="unique"]/column/@name'));
        $this->assertSame(['status', 'next_attempt_at'], $this->values($x, '//index[@referenceId="VARAI_TRYON_OUTBOX_STATUS_NEXT_ATTEMPT_AT"]/column/@name'));
        foreach (['quote', 'sales_order'] as $table) {
            $this->assertSame(['varai_session_id'], $this->values($x, sprintf('/schema/table[@name="%s"]/column/@name', $table)));
            $this->assertSame(['varai_session_id' => true], $whitelist[$table]['column']);
        }
    }

    public function testDiWiresTheTransportTheConsoleCommandAndTheCspPlugin(): void
    {
        $x = $this->xpath('etc/di.xml');
        $this->assertSame(['Varai\\TryOn\\Model\\Http\\StreamTransport'], $this->values($x, '/config/preference[@for="Varai\\TryOn\\Model\\Http\\TransportInterface"]/@type'));
        $this->assertSame(['Varai\\TryOn\\Console\\Command\\OutboxSend'], $this->values($x, '//type[@name="Magento\\Framework\\Console\\CommandListInterface"]//item'));
        $this->assertSame(['Varai\\TryOn\\Plugin\\Csp\\AddConfiguredHost'], $this->values($x, '//type[@name="Magento\\Csp\\Model\\Collector\\CspWhitelistXmlCollector"]/plugin/@type'));
        $this->assertSame(['1'], $this->values($x, '//argument[@name="sensitive"]/item[@name="varai_tryon/general/shared_secret"]'));
    }

    public function testProductPageLayoutPlacesTheTryOnBlock(): void
    {
        $x = $this->xpath('view/frontend/layout/catalog_product_view.xml');
        $block = '/page/body/referenceContainer[@name="product.info.main"]/block';
        $this->assertSame(['Varai\\TryOn\\Block\\TryOn'], $this->values($x, $block . '/@class'));
        $this->assertSame(['Varai_TryOn::tryon.phtml'], $this->values($x, $block . '/@template'));
        $this->assertFileExists(self::ROOT . '/view/frontend/templates/tryon.phtml');
        $admin = $this->xpath('view/adminhtml/layout/varai_tryon_outbox_index.xml');
        $this->assertSame(['Varai\\TryOn\\Block\\Adminhtml\\Outbox\\Status'], $this->values($admin, '//referenceContainer[@name="content"]/block/@class'));
    }
}
