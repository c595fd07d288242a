<?php

namespace {
    defined('ABSPATH') || exit;

    /** A product is a `product` post with its SKU in `_sku`, as in WooCommerce's post storage. */
    class WC_Product
    {
        public function __construct(private \WP_Post $post)
        {
        }

        public function get_id(): int
        {
            return (int) $this->post->ID;
        }

        public function get_sku(): string
        {
            return (string) get_post_meta($this->post->ID, '_sku', true);
        }
    }

    function wc_get_product($id = false)
    {
        $post = get_post($id ?: null);
        return $post && $post->post_type === 'product' ? new WC_Product($post) : false;
    }

    function is_product(): bool
    {
        return is_singular('product');
    }
}

namespace WcStub {
    defined('ABSPATH') || exit;

    add_action('init', static function (): void {
        register_post_type('product', ['public' => true, 'label' => 'Products', 'show_in_rest' => true, 'rewrite' => ['slug' => 'product']]);
    });

    // WooCommerce sets the global $product for the product being shown.
    add_action('the_post', static function (\WP_Post $post): void {
        if ($post->post_type === 'product') {
            $GLOBALS['product'] = wc_get_product($post);
        }
    });

    /** wc/v3/products in WooCommerce's shape, for VARAi's backfill; only with a key this store issued. */
    add_action('rest_api_init', static function (): void {
        register_rest_route('wc/v3', '/products', [
            'methods' => 'GET',
            'permission_callback' => static fn() => current_user_can('manage_woocommerce'),
            'callback' => static function (\WP_REST_Request $request) {
                $perPage = max(1, min(100, (int) ($request['per_page'] ?: 10)));
                $query = new \WP_Query(['post_type' => 'product', 'posts_per_page' => $perPage, 'paged' => max(1, (int) $request['page'])]);
                $items = array_map(__NAMESPACE__ . '\\rest_product', $query->posts);
                $response = rest_ensure_response($items);
                $response->header('X-WP-Total', (string) $query->found_posts);
                $response->header('X-WP-TotalPages', (string) max(1, $query->max_num_pages));
                return $response;
            },
        ]);
    });

    function rest_product(\WP_Post $post): array
    {
        $gmt = str_replace(' ', 'T', $post->post_modified_gmt);
        return [
            'id' => $post->ID, 'name' => $post->post_title, 'slug' => $post->post_name, 'permalink' => get_permalink($post),
            'date_created_gmt' => str_replace(' ', 'T', $post->post_date_gmt), 'date_modified_gmt' => $gmt,
            'type' => 'simple', 'status' => $post->post_status, 'sku' => (string) get_post_meta($post->ID, '_sku', true),
            'price' => '120.00', 'regular_price' => '120.00', 'sale_price' => '', 'stock_status' => 'instock',
            'categories' => [], 'tags' => [], 'images' => [], 'attributes' => [], 'variations' => [], 'meta_data' => [],
        ];
    }

}

namespace WcStub {
    defined('ABSPATH') || exit;

    // As WC_REST_Authentication: a request carrying an issued key acts as the key's user (the admin here).
    add_filter('determine_current_user', static function ($userId) {
        if ($userId || !str_contains((string) ($_SERVER['REQUEST_URI'] ?? ''), 'wc/v3')) {
            return $userId;
        }
        $key = $_SERVER['PHP_AUTH_USER'] ?? $_GET['oauth_consumer_key'] ?? $_GET['consumer_key'] ?? '';
        return is_string($key) && isset(get_option('wcstub_api_keys', [])[$key]) ? 1 : $userId;
    }, 20);
}
