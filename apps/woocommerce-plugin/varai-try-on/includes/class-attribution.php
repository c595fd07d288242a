<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * Purchases count in the try-on impact: the widget's session id (copied into the `varai_session`
 * cookie by assets/session.js) is stored on the order as `_varai_session` through the order CRUD
 * API, so it works with HPOS and legacy post storage alike. The order.created webhook carries it
 * in `meta_data`, and the VARAi WooCommerce adapter reads it from there.
 */
final class Attribution
{
    public const META_KEY = '_varai_session';
    public const COOKIE = 'varai_session';
    private const PATTERN = '/^[A-Za-z0-9_-]{1,128}$/';

    public function register(): void
    {
        // Classic checkout: the order object before its first save.
        add_action('woocommerce_checkout_create_order', [$this, 'attach']);
        // Cart and Checkout blocks (Store API): the draft order before it is placed.
        add_action('woocommerce_store_api_checkout_update_order_from_request', [$this, 'attach']);
    }

    /** @param object $order a WC_Order; saved by WooCommerce after this hook */
    public function attach($order): void
    {
        $session = self::sessionFromCookie($_COOKIE);
        if ($session === null || !is_object($order) || !method_exists($order, 'update_meta_data')) {
            return;
        }
        $order->update_meta_data(self::META_KEY, $session);
    }

    public static function sessionFromCookie(array $cookies): ?string
    {
        $raw = $cookies[self::COOKIE] ?? null;
        if (!is_string($raw)) {
            return null;
        }
        $value = sanitize_text_field(wp_unslash($raw));
        return preg_match(self::PATTERN, $value) === 1 ? $value : null;
    }
}
