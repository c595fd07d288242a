<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Webhooks;

final class WebhooksTest extends TestCase
{
    private const URL = 'https://api.varai.test/webhooks/woocommerce/con_1';

    public function testProvisionReusesOurHooksAndReactivatesThem(): void
    {
        \WpStub::$restHandler = static function (\WP_REST_Request $r) {
            if ($r->get_method() === 'GET') {
                return new \WP_REST_Response([
                    ['id' => 5, 'topic' => 'product.updated', 'delivery_url' => self::URL, 'status' => 'disabled'],
                    ['id' => 6, 'topic' => 'product.created', 'delivery_url' => 'https://someone-else.test/hook', 'status' => 'active'],
                ], 200);
            }
            return new \WP_REST_Response(['id' => $r->get_method() === 'PUT' ? 5 : 50], 200);
        };
        $ids = (new Webhooks())->provision(self::URL, 'secret123');
        $this->assertSame([50, 5, 50, 50], $ids);
        $calls = array_map(static fn($r) => $r->get_method() . ' ' . $r->get_route(), \WpStub::$rest);
        $this->assertSame(
            ['GET /wc/v3/webhooks', 'POST /wc/v3/webhooks', 'PUT /wc/v3/webhooks/5', 'POST /wc/v3/webhooks', 'POST /wc/v3/webhooks', 'GET /wc/v3/webhooks'],
            $calls
        );
        $this->assertSame(['status' => 'active', 'secret' => 'secret123'], \WpStub::$rest[2]->get_params());
        $this->assertSame(100, \WpStub::$rest[0]->get_param('per_page'));
    }

    public function testAHookVaraiCreatedMeanwhileForTheSameUrlIsDeleted(): void
    {
        $lists = 0;
        \WpStub::$restHandler = static function (\WP_REST_Request $r) use (&$lists) {
            if ($r->get_method() === 'GET') {
                // The second listing sees one VARAi's catalog added while this provisioned.
                return new \WP_REST_Response(++$lists === 1 ? [] : [
                    ['id' => 60, 'topic' => 'product.created', 'delivery_url' => self::URL],
                    ['id' => 99, 'topic' => 'product.created', 'delivery_url' => self::URL],
                ], 200);
            }
            return new \WP_REST_Response(['id' => 60], $r->get_method() === 'DELETE' ? 200 : 201);
        };
        $this->assertSame([60, 60, 60, 60], (new Webhooks())->provision(self::URL, 'secret123'));
        $last = end(\WpStub::$rest);
        $this->assertSame('DELETE /wc/v3/webhooks/99', $last->get_method() . ' ' . $last->get_route());
    }

    public function testAnOlderHookVaraiCreatedMeanwhileIsKeptAndOursDeleted(): void
    {
        $lists = 0;
        $next = 60;
        \WpStub::$restHandler = static function (\WP_REST_Request $r) use (&$lists, &$next) {
            if ($r->get_method() === 'GET') {
                // VARAi's catalog created id 40 while this call created 60: both keep the oldest.
                return new \WP_REST_Response(++$lists === 1 ? [] : [
                    ['id' => 60, 'topic' => 'product.created', 'delivery_url' => self::URL],
                    ['id' => 40, 'topic' => 'product.created', 'delivery_url' => self::URL],
                ], 200);
            }
            return $r->get_method() === 'DELETE'
                ? new \WP_REST_Response([], 200)
                : new \WP_REST_Response(['id' => $next++], 201);
        };
        $this->assertSame([40, 61, 62, 63], (new Webhooks())->provision(self::URL, 'secret123'));
        $last = end(\WpStub::$rest);
        $this->assertSame('DELETE /wc/v3/webhooks/60', $last->get_method() . ' ' . $last->get_route());
    }

    public function testARefusalFromWoocommerceIsAnError(): void
    {
        \WpStub::$restHandler = static fn(\WP_REST_Request $r) => $r->get_method() === 'GET'
            ? new \WP_REST_Response([], 200)
            : new \WP_REST_Response(['code' => 'woocommerce_rest_cannot_create', 'message' => 'Sorry, you are not allowed'], 403);
        $result = (new Webhooks())->provision(self::URL, 'secret123');
        $this->assertInstanceOf(\WP_Error::class, $result);
        $this->assertSame('woocommerce_rest_cannot_create', $result->get_error_code());
        $this->assertCount(2, \WpStub::$rest, 'stops at the first refusal');
    }

    public function testHealthReadsStatusAndFailuresAndNamesMissingHooks(): void
    {
        \WcStub::$webhooks[11] = new \WC_Webhook(11, 'product.updated', 'disabled', 6);
        \WcStub::$webhooks[12] = new \WC_Webhook(12, 'order.created', 'active', 2);
        $hooks = new Webhooks();
        $this->assertSame([
            ['id' => 11, 'topic' => 'product.updated', 'status' => 'disabled', 'failures' => 6],
            ['id' => 12, 'topic' => 'order.created', 'status' => 'active', 'failures' => 2],
            ['id' => 13, 'topic' => '', 'status' => 'missing', 'failures' => 0],
        ], $hooks->health([11, 12, 13]));
        $this->assertSame([11], array_column($hooks->disabled([11, 12, 13]), 'id'));
    }

    public function testDeleteAllToleratesHooksAlreadyGone(): void
    {
        \WpStub::$restHandler = static fn() => new \WP_REST_Response(['code' => 'woocommerce_rest_shop_webhook_invalid_id', 'message' => 'Invalid ID.'], 404);
        $this->assertTrue((new Webhooks())->deleteAll([1, 2]));
        $this->assertTrue(\WpStub::$rest[0]->get_param('force'));
    }
}
