<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

/** Product changes into outbox rows, one per target store view (observers and import share it). */
class ProductEvents
{
    public function __construct(
        private readonly StoreTargets $targets,
        private readonly EventBuilder $events,
        private readonly OutboxRepository $outbox
    ) {
    }

    /**
     * @param list<array{id: int, sku: string, updated_at: string|null, scope_store_id: int,
     *     store_ids: list<int|string>}> $products
     */
    public function record(string $topic, array $products): void
    {
        $rows = [];
        foreach ($products as $product) {
            foreach ($this->targets->forScope($product['scope_store_id'], $product['store_ids']) as $target) {
                $rows[] = $this->events->product(
                    $topic,
                    $target['store_id'],
                    $target['code'],
                    $product['id'],
                    $product['sku'],
                    $product['updated_at']
                );
            }
        }
        $this->outbox->add($rows, $this->events->magentoTime());
    }
}
