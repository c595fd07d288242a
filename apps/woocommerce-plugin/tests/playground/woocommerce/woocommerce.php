<?php

/**
 * Plugin Name: WooCommerce
 * Description: TEST STUB, not WooCommerce. Real WooCommerce is not obtainable offline (not on npm, not in
 *              Debian), so the Playground test runs against this: the few WooCommerce parts the VARAi
 *              plugin touches, with WooCommerce's names and answers (FeaturesUtil, the product post type and
 *              WC_Product, /wc-auth/v1/authorize's key hand-over, wc/v3 webhooks and products).
 * Version: 9.9.0
 */

namespace Automattic\WooCommerce\Utilities;

defined('ABSPATH') || exit;

final class FeaturesUtil
{
    public static function declare_compatibility(string $feature, string $file, bool $positive = true): bool
    {
        $declared = get_option('wcstub_declared', []);
        $declared[$feature] = [plugin_basename($file), $positive];
        update_option('wcstub_declared', $declared, false);
        return true;
    }
}

namespace WcStub;

defined('ABSPATH') || exit;

require __DIR__ . '/includes/products.php';
require __DIR__ . '/includes/webhooks.php';
require __DIR__ . '/includes/auth.php';

add_action('plugins_loaded', static function (): void {
    do_action('before_woocommerce_init');
    do_action('woocommerce_loaded');
}, 5);

// WooCommerce adds its menu at priority 9, before extensions add their submenus at 10.
add_action('admin_menu', static function (): void {
    add_menu_page('WooCommerce', 'WooCommerce', 'manage_woocommerce', 'woocommerce', '__return_null', 'dashicons-cart', '55.5');
}, 9);

// Real WooCommerce gives administrators this capability on install.
add_filter('user_has_cap', static function (array $caps): array {
    if (!empty($caps['manage_options'])) {
        $caps['manage_woocommerce'] = true;
    }
    return $caps;
});
