<?php

/**
 * Uninstall: disconnects (webhooks, the REST key issued to VARAi, the connection on VARAi's side)
 * and removes every option and transient the plugin wrote.
 */

defined('WP_UNINSTALL_PLUGIN') || exit;
defined('ABSPATH') || exit;

require_once __DIR__ . '/includes/class-options.php';
require_once __DIR__ . '/includes/class-varai-api.php';
require_once __DIR__ . '/includes/class-webhooks.php';
require_once __DIR__ . '/includes/class-connect.php';

\VARAi\TryOn\Connect::disconnect();
delete_option(\VARAi\TryOn\Options::SETTINGS);
delete_option(\VARAi\TryOn\Options::CONNECTION);
delete_transient('varai_try_on_site_status');
global $wpdb;
$wpdb->query($wpdb->prepare(
    "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
    $wpdb->esc_like('_transient_' . \VARAi\TryOn\Options::PENDING_PREFIX) . '%',
    $wpdb->esc_like('_transient_timeout_' . \VARAi\TryOn\Options::PENDING_PREFIX) . '%'
));
