<?php

/**
 * Plugin Name: VARAi Playground test harness (test only)
 * Description: Lets the loopback VARAi receive the key hand-over (wp_safe_remote_post refuses private
 *              hosts and other ports than 80, 443 and 8080 otherwise) and exposes read-only probes of
 *              what the test checks.
 */

defined('ABSPATH') || exit;

add_filter('http_request_host_is_external', '__return_true');
add_filter('http_request_reject_unsafe_urls', '__return_false');
// wp_safe_remote_post allows ports 80, 443 and 8080 only; the local VARAi listens on a free port.
add_filter('http_allowed_safe_ports', static fn(array $ports): array => range(1, 65535));

add_action('rest_api_init', static function (): void {
    register_rest_route('varai-test/v1', '/state', [
        'methods' => 'GET',
        'permission_callback' => '__return_true',
        'callback' => static fn() => [
            'declared' => get_option('wcstub_declared', []),
            'webhooks' => array_values(get_option('wcstub_webhooks', [])),
            'keys' => count(get_option('wcstub_api_keys', [])),
            'lastCallback' => get_option('wcstub_last_callback', null),
            'settings' => get_option('varai_try_on_settings', null),
            'connected' => !empty(get_option('varai_try_on_connection', [])['connection_id']),
            'active' => get_option('active_plugins', []),
            'ids' => get_option('varai_test_ids', null),
            'blockRegistered' => WP_Block_Type_Registry::get_instance()->is_registered('varai/try-on'),
            'blockContent' => ($ids = get_option('varai_test_ids', null)) ? get_post_field('post_content', $ids['block']) : null,
        ],
    ]);
});
