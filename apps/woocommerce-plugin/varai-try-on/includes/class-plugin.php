<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * Wires the plugin's parts to WordPress and WooCommerce hooks. Each part registers its own hooks;
 * this class only decides the order and declares WooCommerce feature compatibility.
 */
final class Plugin
{
    public static function boot(string $pluginFile): void
    {
        // FeaturesUtil only exists once WooCommerce has loaded, and must be called in this hook.
        add_action('before_woocommerce_init', static function () use ($pluginFile): void {
            if (class_exists(\Automattic\WooCommerce\Utilities\FeaturesUtil::class)) {
                \Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility('custom_order_tables', $pluginFile, true);
                \Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility('cart_checkout_blocks', $pluginFile, true);
            }
        });
        add_action('init', [self::class, 'loadTextdomain']);
        (new Storefront())->register();
        (new Attribution())->register();
        if (is_admin()) {
            (new SettingsPage())->register();
            (new Connect())->register();
            (new Health())->register();
        }
    }

    public static function loadTextdomain(): void
    {
        load_plugin_textdomain('varai-try-on', false, dirname(plugin_basename(VARAI_TRY_ON_FILE)) . '/languages');
    }
}
