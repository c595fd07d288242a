<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

/**
 * The thin events of the adapter's contract (adapters/magento README: "Event contract"), as
 * outbox rows: the JSON body is fixed here, once, so every retry sends the same bytes.
 */
class EventBuilder
{
    public const PRODUCT_CREATED = 'product.created';
    public const PRODUCT_UPDATED = 'product.updated';
    public const PRODUCT_DELETED = 'product.deleted';
    public const ORDER_PLACED = 'order.placed';
    public const CONNECTION_TEST = 'connection.test';

    /** @var callable(): int */
    private $clock;

    /** @param (callable(): int)|null $clock Unix time (tests pass a fixed one). */
    public function __construct(?callable $clock = null)
    {
        $this->clock = $clock ?? static fn (): int => time();
    }

    /** @return array{event_id: string, topic: string, store_id: int, body: string} */
    public function product(
        string $topic,
        int $storeId,
        string $storeCode,
        int $id,
        string $sku,
        ?string $updatedAt
    ): array {
        return $this->row($topic, $storeId, $storeCode, [
            'product' => [
                'id' => $id,
                'sku' => $sku,
                'updated_at' => $updatedAt ?? $this->magentoTime(),
            ],
        ]);
    }

    /**
     * @param array{id: int, increment_id: string, currency: string, grand_total: string,
     *     created_at: string|null, varai_session_id: string|null,
     *     items: list<array{product_id: int, sku: string, qty: float, price: string}>} $order
     * @return array{event_id: string, topic: string, store_id: int, body: string}
     */
    public function order(int $storeId, string $storeCode, array $order): array
    {
        return $this->row(self::ORDER_PLACED, $storeId, $storeCode, ['order' => $order]);
    }

    /** @return array{event_id: string, topic: string, store_id: int, body: string} */
    public function connectionTest(int $storeId, string $storeCode): array
    {
        return $this->row(self::CONNECTION_TEST, $storeId, $storeCode, []);
    }

    /** `Y-m-d H:i:s` in UTC, as Magento stores `updated_at`. */
    public function magentoTime(): string
    {
        return gmdate('Y-m-d H:i:s', ($this->clock)());
    }

    /**
     * @param array<string, mixed> $fields
     * @return array{event_id: string, topic: string, store_id: int, body: string}
     */
    private function row(string $topic, int $storeId, string $storeCode, array $fields): array
    {
        $eventId = $this->uuid4();
        $payload = [
            'event' => $topic,
            'event_id' => $eventId,
            'store_code' => $storeCode,
            'occurred_at' => gmdate('Y-m-d\TH:i:s\Z', ($this->clock)()),
        ] + $fields;
        $body = json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        return ['event_id' => $eventId, 'topic' => $topic, 'store_id' => $storeId, 'body' => $body];
    }

    private function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
