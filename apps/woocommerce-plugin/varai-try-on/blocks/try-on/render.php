<?php

/**
 * Server render of the varai/try-on block: the same element as the shortcode.
 *
 * @var array<string, mixed> $attributes
 */

defined('ABSPATH') || exit;

$varai_product_id = is_string($attributes['productId'] ?? null) ? $attributes['productId'] : '';
$varai_sku = is_string($attributes['sku'] ?? null) ? $attributes['sku'] : '';
// phpcs:disable VaraiWp.Security.EscapeOutput -- button() escapes each attribute it prints, and
// get_block_wrapper_attributes() returns escaped attributes.
echo (new \VARAi\TryOn\Storefront())->button(
    $varai_product_id,
    $varai_sku,
    get_block_wrapper_attributes(['class' => 'varai-try-on-button'])
);
// phpcs:enable
