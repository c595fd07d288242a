<?php

namespace {
    defined('ABSPATH') || exit;

    /** The webhook object the VARAi plugin reads health from. */
    class WC_Webhook
    {
        public function __construct(private array $data)
        {
        }

        public function get_topic(): string
        {
            return $this->data['topic'];
        }

        public function get_status(): string
        {
            return $this->data['status'];
        }

        public function get_failure_count(): int
        {
            return (int) ($this->data['failure_count'] ?? 0);
        }
    }

    function wc_get_webhook($id)
    {
        $hooks = get_option('wcstub_webhooks', []);
        return isset($hooks[(int) $id]) ? new WC_Webhook($hooks[(int) $id]) : null;
    }
}

namespace WcStub {
    defined('ABSPATH') || exit;

    /** wc/v3/webhooks: list, create, update, delete, for users with manage_woocommerce, as WooCommerce's controller. */
    add_action('rest_api_init', static function (): void {
        $can = static fn() => current_user_can('manage_woocommerce');
        register_rest_route('wc/v3', '/webhooks', [
            ['methods' => 'GET', 'permission_callback' => $can, 'callback' => static fn() => array_values(array_map(__NAMESPACE__ . '\\rest_webhook', get_option('wcstub_webhooks', [])))],
            ['methods' => 'POST', 'permission_callback' => $can, 'callback' => __NAMESPACE__ . '\\create_webhook'],
        ]);
        register_rest_route('wc/v3', '/webhooks/(?P<id>\d+)', [
            ['methods' => 'PUT', 'permission_callback' => $can, 'callback' => __NAMESPACE__ . '\\update_webhook'],
            ['methods' => 'DELETE', 'permission_callback' => $can, 'callback' => __NAMESPACE__ . '\\delete_webhook'],
        ]);
    });

    function rest_webhook(array $hook): array
    {
        // Like WooCommerce: the secret is write-only in the REST view.
        return array_diff_key($hook, ['secret' => true, 'failure_count' => true]);
    }

    function create_webhook(\WP_REST_Request $request)
    {
        foreach (['topic', 'delivery_url'] as $field) {
            if (!is_string($request[$field]) || $request[$field] === '') {
                return new \WP_Error('woocommerce_rest_missing_' . $field, "$field is required", ['status' => 400]);
            }
        }
        $hooks = get_option('wcstub_webhooks', []);
        $id = $hooks === [] ? 1 : max(array_keys($hooks)) + 1;
        $hooks[$id] = [
            'id' => $id, 'name' => (string) $request['name'], 'topic' => $request['topic'], 'delivery_url' => $request['delivery_url'],
            'status' => (string) ($request['status'] ?: 'active'), 'secret' => (string) $request['secret'], 'failure_count' => 0,
        ];
        update_option('wcstub_webhooks', $hooks, false);
        return new \WP_REST_Response(rest_webhook($hooks[$id]), 201);
    }

    function update_webhook(\WP_REST_Request $request)
    {
        $hooks = get_option('wcstub_webhooks', []);
        $id = (int) $request['id'];
        if (!isset($hooks[$id])) {
            return new \WP_Error('woocommerce_rest_shop_webhook_invalid_id', 'Invalid ID.', ['status' => 404]);
        }
        foreach (['status', 'secret', 'name', 'delivery_url'] as $field) {
            if (is_string($request[$field])) {
                $hooks[$id][$field] = $request[$field];
            }
        }
        if (($request['status'] ?? '') === 'active') {
            $hooks[$id]['failure_count'] = 0;
        }
        update_option('wcstub_webhooks', $hooks, false);
        return rest_webhook($hooks[$id]);
    }

    function delete_webhook(\WP_REST_Request $request)
    {
        $hooks = get_option('wcstub_webhooks', []);
        $id = (int) $request['id'];
        if (!isset($hooks[$id])) {
            return new \WP_Error('woocommerce_rest_shop_webhook_invalid_id', 'Invalid ID.', ['status' => 404]);
        }
        $deleted = rest_webhook($hooks[$id]);
        unset($hooks[$id]);
        update_option('wcstub_webhooks', $hooks, false);
        return $deleted;
    }
}
