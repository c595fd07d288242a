<?php

/** Hand-written stand-ins for the WooCommerce API the plugin touches. */

namespace Automattic\WooCommerce\Utilities {
    final class FeaturesUtil
    {
        /** @var list<array{string, string, bool}> */
        public static array $declared = [];

        public static function declare_compatibility(string $feature, string $file, bool $positive = true): bool
        {
            self::$declared[] = [$feature, $file, $positive];
            return true;
        }
    }
}

namespace {
    final class WcStub
    {
        /** @var array<int, WC_Webhook> */
        public static array $webhooks = [];
        /** @var array<int, WC_Product> */
        public static array $products = [];

        public static function reset(): void
        {
            self::$webhooks = [];
            self::$products = [];
            \Automattic\WooCommerce\Utilities\FeaturesUtil::$declared = [];
        }
    }

    class WC_Webhook
    {
        public function __construct(
            public int $id,
            public string $topic,
            public string $status = 'active',
            public int $failures = 0
        ) {
        }

        public function get_topic(): string
        {
            return $this->topic;
        }

        public function get_status(): string
        {
            return $this->status;
        }

        public function get_failure_count(): int
        {
            return $this->failures;
        }
    }

    class WC_Product
    {
        public function __construct(private int $id, private string $sku = '')
        {
        }

        public function get_id(): int
        {
            return $this->id;
        }

        public function get_sku(): string
        {
            return $this->sku;
        }
    }

    /** The order CRUD object: meta is kept in memory until save(), as WooCommerce does. */
    class WC_Order
    {
        public array $meta = [];
        public array $saved = [];

        public function update_meta_data(string $key, $value): void
        {
            $this->meta[$key] = $value;
        }

        public function get_meta(string $key, bool $single = true)
        {
            return $this->meta[$key] ?? '';
        }

        public function save(): int
        {
            $this->saved = $this->meta;
            return 1;
        }
    }

    function wc_get_webhook($id)
    {
        return WcStub::$webhooks[(int) $id] ?? null;
    }

    function wc_get_product($id)
    {
        return WcStub::$products[(int) $id] ?? false;
    }
}
