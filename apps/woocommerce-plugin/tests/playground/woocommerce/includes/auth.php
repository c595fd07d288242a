<?php

namespace WcStub;

defined('ABSPATH') || exit;

/**
 * /wc-auth/v1/authorize, as WC_Auth does it after the merchant clicks "Approve" (the stub skips the
 * grant page): creates a ck_/cs_ key pair, POSTs {key_id, user_id, consumer_key, consumer_secret,
 * key_permissions} as JSON to callback_url, deletes the key unless the answer is exactly 200, then
 * redirects to return_url with success and user_id. Real WooCommerce insists on an https callback;
 * the stub also takes a loopback http one (the local VARAi in the test).
 */
add_action('init', static function (): void {
    add_rewrite_rule('^wc-auth/v([1]{1})/(.*)?', 'index.php?wc-auth-version=$matches[1]&wc-auth-route=$matches[2]', 'top');
});
add_filter('query_vars', static fn(array $vars) => array_merge($vars, ['wc-auth-version', 'wc-auth-route']));

add_action('parse_request', static function (\WP $wp): void {
    if (($wp->query_vars['wc-auth-route'] ?? '') !== 'authorize') {
        return;
    }
    $params = [];
    foreach (['app_name', 'scope', 'user_id', 'return_url', 'callback_url'] as $name) {
        $value = isset($_GET[$name]) ? wp_unslash($_GET[$name]) : '';
        if (!is_string($value) || $value === '') {
            wp_die(esc_html("Missing parameter $name"), 400);
        }
        $params[$name] = $value;
    }
    if (!is_user_logged_in() || !current_user_can('manage_woocommerce')) {
        wp_die('You must be logged in as a shop manager.', 401);
    }
    $keyId = (int) get_option('wcstub_next_key_id', 1);
    update_option('wcstub_next_key_id', $keyId + 1);
    $key = ['consumer_key' => 'ck_' . wp_generate_password(40, false), 'consumer_secret' => 'cs_' . wp_generate_password(40, false)];
    $keys = get_option('wcstub_api_keys', []);
    $keys[$key['consumer_key']] = ['key_id' => $keyId, 'permissions' => $params['scope']];
    update_option('wcstub_api_keys', $keys, false);

    $response = wp_safe_remote_post($params['callback_url'], [
        'body' => wp_json_encode(['key_id' => $keyId, 'user_id' => $params['user_id']] + $key + ['key_permissions' => $params['scope']]),
        'timeout' => 60,
        'headers' => ['Content-Type' => 'application/json;charset=' . get_bloginfo('charset')],
    ]);
    $status = is_wp_error($response) ? 0 : (int) wp_remote_retrieve_response_code($response);
    update_option('wcstub_last_callback', ['status' => $status, 'error' => is_wp_error($response) ? $response->get_error_message() : null], false);
    if ($status !== 200) {
        unset($keys[$key['consumer_key']]);
        update_option('wcstub_api_keys', $keys, false);
        wp_die(esc_html('An error occurred in the request and at the time were unable to send the consumer data'), 401);
    }
    wp_redirect(add_query_arg(['success' => 1, 'user_id' => rawurlencode($params['user_id'])], $params['return_url']));
    exit;
});
