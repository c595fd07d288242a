<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Connect;
use VARAi\TryOn\Options;

final class ConnectTest extends TestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        Options::updateSettings(['api_base' => 'https://api.varai.test']);
        \WpStub::$options['woocommerce_default_country'] = 'DE:BE';
    }

    public function testConnectNeedsTheCapability(): void
    {
        \WpStub::$caps = [];
        $this->nonce('varai_connect');
        $this->expectException(\WpDie::class);
        (new Connect())->handleConnect();
    }

    public function testConnectNeedsItsNonce(): void
    {
        $this->nonce('some_other_action');
        $this->expectException(\WpDie::class);
        (new Connect())->handleConnect();
    }

    public function testConnectAsksVaraiForAStateAndSendsTheMerchantToWcAuth(): void
    {
        $this->nonce('varai_connect');
        $_POST['link_code'] = 'vlc_Ab12-cD_34xyz';
        \WpStub::answer(201, ['state' => 'st_one', 'claimToken' => 'clm_x', 'callbackUrl' => 'https://api.varai.test/woocommerce/auth/callback']);

        $url = (new Connect())->handleConnect();

        $call = \WpStub::$remote[0];
        $this->assertSame('https://api.varai.test/woocommerce/auth/start', $call['url']);
        $this->assertSame('POST', $call['args']['method']);
        $body = json_decode($call['args']['body'], true);
        $this->assertSame('https://shop.example/', $body['storeUrl']);
        $this->assertSame('DE', $body['country']);
        $this->assertSame('vlc_Ab12-cD_34xyz', $body['linkCode']);
        $this->assertMatchesRegularExpression('/^[A-Za-z0-9]{32}$/', $body['webhookSecret']);

        $pending = \WpStub::$transients['varai_try_on_pending_1'];
        $this->assertSame(['state' => 'st_one', 'claimToken' => 'clm_x', 'webhookSecret' => $body['webhookSecret']], $pending);

        $this->assertStringStartsWith('https://shop.example/wc-auth/v1/authorize?', $url);
        parse_str((string) parse_url($url, PHP_URL_QUERY), $q);
        $this->assertSame('VARAi', $q['app_name']);
        $this->assertSame('read_write', $q['scope']);
        $this->assertSame('st_one', $q['user_id']);
        $this->assertSame('https://api.varai.test/woocommerce/auth/callback', $q['callback_url']);
        $this->assertSame(
            'https://shop.example/wp-admin/admin.php?page=varai-try-on&varai_return=1&_wpnonce=nonce-varai_connect_return',
            $q['return_url']
        );
    }

    public function testWithoutPrettyPermalinksTheQueryVarRouteIsUsed(): void
    {
        \WpStub::$options['permalink_structure'] = '';
        $url = Connect::authorizeUrl('st', 'https://v.test/cb');
        $this->assertStringStartsWith('https://shop.example/?wc-auth-version=1&wc-auth-route=authorize&app_name=VARAi', $url);
    }

    public function testAVaraiErrorComesBackAsANoticeCode(): void
    {
        $this->nonce('varai_connect');
        \WpStub::answer(400, ['code' => 'invalid_link_code', 'detail' => 'Unknown link code']);
        $url = (new Connect())->handleConnect();
        $this->assertStringEndsWith('varai_error=varai_invalid_link_code', $url);
        $this->assertSame([], \WpStub::$transients);
    }

    public function testReturnWithAForeignStateChangesNothing(): void
    {
        $this->pending();
        $this->nonce('varai_connect_return');
        $url = (new Connect())->handleReturn(['success' => '1', 'user_id' => 'st_forged']);
        $this->assertStringEndsWith('varai_error=varai_state_mismatch', $url);
        $this->assertSame([], \WpStub::$remote);
        $this->assertFalse(Options::isConnected());
    }

    public function testReturnNeedsItsNonce(): void
    {
        $this->pending();
        $this->nonce('varai_connect');
        $this->expectException(\WpDie::class);
        (new Connect())->handleReturn(['success' => '1', 'user_id' => 'st_one']);
    }

    public function testADeniedGrantIsReported(): void
    {
        $this->pending();
        $this->nonce('varai_connect_return');
        $url = (new Connect())->handleReturn(['success' => '0', 'user_id' => 'st_one']);
        $this->assertStringEndsWith('varai_error=varai_denied', $url);
        $this->assertArrayNotHasKey('varai_try_on_pending_1', \WpStub::$transients, 'a state is used once');
    }

    public function testReturnCollectsTheConnectionAndCreatesTheWebhooks(): void
    {
        $this->pending();
        $this->nonce('varai_connect_return');
        \WpStub::answer(200, [
            'connectionId' => 'con_9', 'tenantId' => 'ten_9', 'publishableKey' => 'pk_live_newkey99',
            'deliveryUrl' => 'https://api.varai.test/webhooks/woocommerce/con_9', 'siteToken' => 'wst_9', 'keyId' => 31,
        ]);
        $next = 100;
        \WpStub::$restHandler = static function (\WP_REST_Request $r) use (&$next) {
            return $r->get_method() === 'GET' ? new \WP_REST_Response([], 200) : new \WP_REST_Response(['id' => $next++], 201);
        };

        $url = (new Connect())->handleReturn(['success' => '1', 'user_id' => 'st_one']);

        $this->assertStringEndsWith('varai_notice=connected', $url);
        $complete = json_decode(\WpStub::$remote[0]['args']['body'], true);
        $this->assertSame(['state' => 'st_one', 'claimToken' => 'clm_x'], $complete);
        $connection = Options::connection();
        $this->assertSame('con_9', $connection['connection_id']);
        $this->assertSame(31, $connection['key_id']);
        $this->assertSame([100, 101, 102, 103], $connection['webhook_ids']);
        $this->assertSame('pk_live_newkey99', Options::publishableKey());

        $posts = array_values(array_filter(\WpStub::$rest, static fn($r) => $r->get_method() === 'POST'));
        $topics = array_map(static fn($r) => $r->get_param('topic'), $posts);
        $this->assertSame(['product.created', 'product.updated', 'product.deleted', 'order.created'], $topics);
        foreach ($posts as $post) {
            $this->assertSame('/wc/v3/webhooks', $post->get_route());
            $this->assertSame('https://api.varai.test/webhooks/woocommerce/con_9', $post->get_param('delivery_url'));
            $this->assertSame('SecretSecretSecretSecretSecret12', $post->get_param('secret'));
            $this->assertSame('active', $post->get_param('status'));
        }
    }

    public function testDisconnectRemovesWebhooksKeyAndConnection(): void
    {
        $this->connected();
        $this->nonce('varai_disconnect');
        \WpStub::answer(200, ['status' => 'uninstalled']);

        $url = (new Connect())->handleDisconnect();

        $this->assertStringEndsWith('varai_notice=disconnected', $url);
        $deletes = array_map(static fn($r) => $r->get_method() . ' ' . $r->get_route(), \WpStub::$rest);
        $this->assertSame(
            ['DELETE /wc/v3/webhooks/11', 'DELETE /wc/v3/webhooks/12', 'DELETE /wc/v3/webhooks/13', 'DELETE /wc/v3/webhooks/14'],
            $deletes
        );
        $this->assertSame([['wp_woocommerce_api_keys', ['key_id' => 7], ['%d']]], $GLOBALS['wpdb']->deleted);
        $this->assertSame('DELETE', \WpStub::$remote[0]['args']['method']);
        $this->assertSame('https://api.varai.test/woocommerce/site', \WpStub::$remote[0]['url']);
        $this->assertSame('wst_secret', \WpStub::$remote[0]['args']['headers']['X-VARAi-Site-Token']);
        $this->assertFalse(Options::isConnected());
        $this->assertSame('', Options::publishableKey());
    }

    public function testDisconnectClearsLocallyEvenWhenVaraiIsDown(): void
    {
        $this->connected();
        $this->nonce('varai_disconnect');
        // no answer queued: the HTTP call fails
        $url = (new Connect())->handleDisconnect();
        $this->assertStringEndsWith('varai_error=http_request_failed', $url);
        $this->assertFalse(Options::isConnected());
    }

    private function pending(): void
    {
        set_transient('varai_try_on_pending_1', ['state' => 'st_one', 'claimToken' => 'clm_x', 'webhookSecret' => 'SecretSecretSecretSecretSecret12']);
    }
}
