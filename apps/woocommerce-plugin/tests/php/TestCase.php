<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Options;

abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    protected function setUp(): void
    {
        \WpStub::reset();
    }

    protected function connected(array $extra = []): array
    {
        $connection = $extra + [
            'connection_id' => 'con_1',
            'tenant_id' => 'ten_1',
            'site_token' => 'wst_secret',
            'key_id' => 7,
            'webhook_secret' => 'S3cretS3cretS3cretS3cretS3cret12',
            'delivery_url' => 'https://api.varai.test/webhooks/woocommerce/con_1',
            'webhook_ids' => [11, 12, 13, 14],
            'connected_at' => '2026-12-03T12:00:00+00:00',
        ];
        Options::saveConnection($connection);
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh', 'api_base' => 'https://api.varai.test']);
        return $connection;
    }

    /** Runs a callable that is expected to redirect; returns the location. */
    protected function redirectOf(callable $run): string
    {
        try {
            $run();
        } catch (\RuntimeException $e) {
            if (str_starts_with($e->getMessage(), 'redirect: ')) {
                return substr($e->getMessage(), 10);
            }
            throw $e;
        }
        $this->fail('expected a redirect');
    }

    protected function nonce(string $action): void
    {
        $_REQUEST['_wpnonce'] = wp_create_nonce($action);
    }
}
