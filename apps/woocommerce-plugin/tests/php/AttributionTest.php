<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Attribution;

final class AttributionTest extends TestCase
{
    public function testBothCheckoutsAreHooked(): void
    {
        (new Attribution())->register();
        $this->assertArrayHasKey('woocommerce_checkout_create_order', \WpStub::$actions);
        $this->assertArrayHasKey('woocommerce_store_api_checkout_update_order_from_request', \WpStub::$actions);
    }

    public function testTheSessionCookieBecomesOrderMetaThroughTheCrudApi(): void
    {
        (new Attribution())->register();
        $_COOKIE['varai_session'] = 'ses_abc123xyz';
        $order = new \WC_Order();
        do_action('woocommerce_checkout_create_order', $order, []);
        $order->save();
        $this->assertSame(['_varai_session' => 'ses_abc123xyz'], $order->saved);
    }

    public function testAForgedCookieIsIgnored(): void
    {
        $order = new \WC_Order();
        foreach (['<script>', str_repeat('a', 129), '', 'ses one'] as $value) {
            $_COOKIE['varai_session'] = $value;
            (new Attribution())->attach($order);
        }
        $_COOKIE['varai_session'] = ['array'];
        (new Attribution())->attach($order);
        $this->assertSame([], $order->meta);
    }
}
