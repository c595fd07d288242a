<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * The try-on button on the storefront: the `[varai_try_on]` shortcode, the `varai/try-on` dynamic
 * block and, when the setting is on, an automatic button on single product pages. All three render
 * the same element, and rendering it is what enqueues the loader: a page without a button gets no
 * VARAi script at all.
 */
final class Storefront
{
    public const LOADER_HANDLE = 'varai-try-on-loader';
    public const SESSION_HANDLE = 'varai-try-on-session';

    public function register(): void
    {
        add_action('init', [$this, 'registerAssets']);
        add_shortcode('varai_try_on', [$this, 'shortcode']);
        add_filter('script_loader_tag', [$this, 'loaderTag'], 10, 2);
        if (Options::settings()['auto_button']) {
            add_action('woocommerce_single_product_summary', [$this, 'autoButton'], 35);
        }
    }

    public function registerAssets(): void
    {
        $base = Options::settings()['api_base'];
        wp_register_script(self::LOADER_HANDLE, $base . '/widget/varai.js', [], null, [
            'in_footer' => true,
            'strategy' => 'async',
        ]);
        wp_register_script(
            self::SESSION_HANDLE,
            plugins_url('assets/session.js', VARAI_TRY_ON_FILE),
            [],
            VARAI_TRY_ON_VERSION,
            ['in_footer' => true, 'strategy' => 'defer']
        );
        register_block_type(VARAI_TRY_ON_DIR . '/blocks/try-on');
    }

    /** @param array<string, string>|string $atts */
    public function shortcode($atts): string
    {
        $atts = shortcode_atts(['product_id' => '', 'sku' => ''], is_array($atts) ? $atts : [], 'varai_try_on');
        return $this->button((string) $atts['product_id'], (string) $atts['sku']);
    }

    public function autoButton(): void
    {
        echo $this->button('', ''); // phpcs:ignore -- button() escapes every attribute.
    }

    /**
     * The element the widget loader upgrades. The product is the one named, else the product of
     * the page; its SKU is how the widget finds the frame in the VARAi catalog, the WooCommerce id
     * is kept for the widget's events.
     */
    public function button(string $productId, string $sku, string $wrapperAttributes = ''): string
    {
        $key = Options::publishableKey();
        if ($key === '') {
            // No key, no button: nothing the widget could load.
            return '';
        }
        $product = $this->product($productId);
        if ($sku === '' && $product) {
            $sku = (string) $product->get_sku();
        }
        $id = $product ? (string) $product->get_id() : absint($productId);
        $this->useLoader();
        $element = sprintf(
            '<varai-try-on%1$s%2$s data-product-id="%3$s"></varai-try-on>',
            $sku !== '' ? ' sku="' . esc_attr($sku) . '"' : '',
            $id !== '' && $id !== 0 ? ' data-wc-product-id="' . esc_attr((string) $id) . '"' : '',
            esc_attr((string) $id)
        );
        $wrapper = $wrapperAttributes !== '' ? $wrapperAttributes : 'class="varai-try-on-button"';
        return '<div ' . $wrapper . '>' . $element . '</div>';
    }

    /** Enqueued from inside a render: printed in the footer of this page only. */
    public function useLoader(): void
    {
        wp_enqueue_script(self::LOADER_HANDLE);
        wp_enqueue_script(self::SESSION_HANDLE);
    }

    /** The loader reads its publishable key from its own tag (`data-key`). */
    public function loaderTag(string $tag, string $handle): string
    {
        if ($handle !== self::LOADER_HANDLE) {
            return $tag;
        }
        return str_replace(' src=', ' data-key="' . esc_attr(Options::publishableKey()) . '" src=', $tag);
    }

    /** @return object|null a WC_Product */
    private function product(string $productId)
    {
        if (!function_exists('wc_get_product')) {
            return null;
        }
        if ($productId !== '') {
            return wc_get_product(absint($productId)) ?: null;
        }
        global $product;
        return is_object($product) && method_exists($product, 'get_id') ? $product : null;
    }
}
