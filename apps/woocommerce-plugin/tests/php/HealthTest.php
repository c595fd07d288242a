<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Health;
use VARAi\TryOn\Options;

final class HealthTest extends TestCase
{
    public function testNoNoticeWhileTheHooksAreActive(): void
    {
        $this->connected();
        \WcStub::$webhooks[11] = new \WC_Webhook(11, 'product.updated', 'active', 1);
        $this->assertSame('', $this->notice());
    }

    public function testADisabledHookRaisesANoticeWithARepairButton(): void
    {
        $this->connected();
        \WcStub::$webhooks[11] = new \WC_Webhook(11, 'product.updated', 'disabled', 6);
        $html = $this->notice();
        $this->assertStringContainsString('notice-error', $html);
        $this->assertStringContainsString('<code>product.updated</code>', $html);
        $this->assertStringContainsString('value="varai_repair_webhooks"', $html);
        $this->assertStringContainsString('value="nonce-varai_repair_webhooks"', $html);

        \WpStub::$caps = [];
        $this->assertSame('', $this->notice(), 'only shop managers see it');
    }

    public function testRepairNeedsNonceAndReactivatesWithTheSameSecret(): void
    {
        $connection = $this->connected();
        $existing = array_map(
            static fn($id, $t) => ['id' => $id, 'topic' => $t, 'delivery_url' => $connection['delivery_url']],
            [11, 12, 13, 14],
            ['product.created', 'product.updated', 'product.deleted', 'order.created']
        );
        \WpStub::$restHandler = static fn(\WP_REST_Request $r) => $r->get_method() === 'GET'
            ? new \WP_REST_Response($existing, 200)
            : new \WP_REST_Response(['id' => (int) substr($r->get_route(), -2)], 200);

        try {
            (new Health())->handleRepair();
            $this->fail('repair without a nonce');
        } catch (\WpDie $e) {
            $this->assertSame([], \WpStub::$rest);
        }
        $this->nonce('varai_repair_webhooks');
        $this->assertStringEndsWith('varai_notice=repaired', (new Health())->handleRepair());
        $puts = array_values(array_filter(\WpStub::$rest, static fn($r) => $r->get_method() === 'PUT'));
        $this->assertCount(4, $puts);
        $this->assertSame($connection['webhook_secret'], $puts[0]->get_param('secret'));
        $this->assertSame([11, 12, 13, 14], Options::connection()['webhook_ids']);
    }

    public function testTheStatusSectionShowsConnectionHooksAndLastSync(): void
    {
        $this->connected();
        \WcStub::$webhooks[11] = new \WC_Webhook(11, 'product.updated', 'disabled', 6);
        \WpStub::answer(200, ['status' => 'active', 'lastSyncAt' => '2026-12-03T12:30:00Z']);
        ob_start();
        (new Health())->renderStatusSection();
        $html = (string) ob_get_clean();
        $this->assertStringContainsString('data-export-label="VARAi Try-On"', $html);
        $this->assertStringContainsString('<td>con_1</td>', $html);
        $this->assertStringContainsString('<td>2026-12-03T12:30:00Z</td>', $html);
        $this->assertStringContainsString('<td>disabled, 6 failed deliveries</td>', $html);
        $this->assertStringContainsString('<td>missing, 0 failed deliveries</td>', $html);
        $this->assertSame('wst_secret', \WpStub::$remote[0]['args']['headers']['X-VARAi-Site-Token']);
    }

    public function testTheStatusSectionSaysWhenVaraiCannotBeReached(): void
    {
        $this->connected(['webhook_ids' => []]);
        ob_start();
        (new Health())->renderStatusSection();
        $html = (string) ob_get_clean();
        $this->assertStringContainsString('unknown (http_request_failed)', $html);
    }

    private function notice(): string
    {
        ob_start();
        (new Health())->renderDisabledNotice();
        return (string) ob_get_clean();
    }
}
