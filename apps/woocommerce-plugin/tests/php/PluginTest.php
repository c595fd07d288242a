<?php

namespace VARAi\TryOn\Tests;

use Automattic\WooCommerce\Utilities\FeaturesUtil;
use VARAi\TryOn\Options;
use VARAi\TryOn\Plugin;

final class PluginTest extends TestCase
{
    private const MAIN = __DIR__ . '/../../varai-try-on/varai-try-on.php';

    public function testHposAndBlocksCompatibilityAreDeclaredInBeforeWoocommerceInit(): void
    {
        Plugin::boot('/plugins/varai-try-on/varai-try-on.php');
        $this->assertSame([], FeaturesUtil::$declared, 'not before WooCommerce asks');
        do_action('before_woocommerce_init');
        $this->assertSame([
            ['custom_order_tables', '/plugins/varai-try-on/varai-try-on.php', true],
            ['cart_checkout_blocks', '/plugins/varai-try-on/varai-try-on.php', true],
        ], FeaturesUtil::$declared);
    }

    public function testTheHeaderHasTheFieldsWordpressAndWoocommerceRead(): void
    {
        $header = (string) file_get_contents(self::MAIN);
        foreach (
            [
                'Plugin Name' => 'VARAi Try-On', 'Requires Plugins' => 'woocommerce', 'Requires at least' => '6.5',
                'Requires PHP' => '8.1', 'WC requires at least' => '9.0', 'WC tested up to' => '10.4',
                'Text Domain' => 'varai-try-on', 'License' => 'GPL-2.0-or-later',
            ] as $field => $value
        ) {
            $this->assertMatchesRegularExpression('/^ \* ' . preg_quote($field, '/') . ':\s+' . preg_quote($value, '/') . '$/m', $header, $field);
        }
    }

    public function testEveryPhpFileStopsWhenLoadedOutsideWordpress(): void
    {
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(dirname(self::MAIN), \FilesystemIterator::SKIP_DOTS));
        $count = 0;
        foreach ($files as $file) {
            if ($file->getExtension() !== 'php') {
                continue;
            }
            $count++;
            $this->assertStringContainsString("defined('ABSPATH') || exit;", (string) file_get_contents($file->getPathname()), $file->getFilename());
        }
        $this->assertGreaterThan(10, $count);
    }

    public function testAdminPartsAreOnlyWiredInAdmin(): void
    {
        \WpStub::$isAdmin = false;
        Plugin::boot(self::MAIN);
        $this->assertArrayNotHasKey('admin_post_varai_connect', \WpStub::$actions);
        $this->assertArrayNotHasKey('admin_notices', \WpStub::$actions);
        $this->assertArrayHasKey('woocommerce_checkout_create_order', \WpStub::$actions);
        \WpStub::$isAdmin = true;
        Plugin::boot(self::MAIN);
        $this->assertArrayHasKey('admin_post_varai_connect', \WpStub::$actions);
        $this->assertArrayHasKey('woocommerce_system_status_report', \WpStub::$actions);
    }

    public function testUninstallDisconnectsAndRemovesEverything(): void
    {
        $this->connected();
        \WpStub::answer(200, ['status' => 'uninstalled']);
        \WpStub::$transients['varai_try_on_site_status'] = ['status' => 'active'];
        define('WP_UNINSTALL_PLUGIN', 'varai-try-on/varai-try-on.php');
        require dirname(self::MAIN) . '/uninstall.php';
        $this->assertArrayNotHasKey(Options::SETTINGS, \WpStub::$options);
        $this->assertArrayNotHasKey(Options::CONNECTION, \WpStub::$options);
        $this->assertSame([], \WpStub::$transients);
        $this->assertCount(4, \WpStub::$rest, 'four webhooks deleted');
        $this->assertSame('DELETE', \WpStub::$remote[0]['args']['method']);
        $this->assertSame(7, $GLOBALS['wpdb']->deleted[0][1]['key_id']);
        $this->assertStringContainsString("LIKE '\\_transient\\_varai\\_try\\_on\\_pending\\_%'", $GLOBALS['wpdb']->queries[0]);
    }
}
