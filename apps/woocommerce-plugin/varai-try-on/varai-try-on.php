<?php

/**
 * Plugin Name:          VARAi Try-On
 * Plugin URI:           https://varai.ai/woocommerce
 * Description:          Virtual eyewear try-on on WooCommerce product pages, connected to VARAi without copying API keys.
 * Version:              0.1.0
 * Requires at least:    6.5
 * Requires PHP:         8.1
 * Requires Plugins:     woocommerce
 * WC requires at least: 9.0
 * WC tested up to:      10.4
 * Author:               VARAi
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          varai-try-on
 * Domain Path:          /languages
 */

defined('ABSPATH') || exit;

define('VARAI_TRY_ON_VERSION', '0.1.0');
define('VARAI_TRY_ON_FILE', __FILE__);
define('VARAI_TRY_ON_DIR', __DIR__);

require_once __DIR__ . '/includes/class-options.php';
require_once __DIR__ . '/includes/class-varai-api.php';
require_once __DIR__ . '/includes/class-webhooks.php';
require_once __DIR__ . '/includes/class-connect.php';
require_once __DIR__ . '/includes/class-settings-page.php';
require_once __DIR__ . '/includes/class-storefront.php';
require_once __DIR__ . '/includes/class-attribution.php';
require_once __DIR__ . '/includes/class-health.php';
require_once __DIR__ . '/includes/class-plugin.php';

\VARAi\TryOn\Plugin::boot(__FILE__);
