<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Observer;

use Magento\Catalog\Model\Product;
use Magento\Framework\DataObject;
use Magento\Framework\Event;
use Magento\Framework\Event\Observer;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Observer\ImportBunchSaveAfter;
use Varai\TryOn\Observer\ProductDeleteAfter;
use Varai\TryOn\Observer\ProductSaveAfter;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

class ProductObserversTest extends TestCase
{
    private RecordingTransport $transport;

    protected function setUp(): void
    {
        $this->transport = new RecordingTransport();
    }

    private function observer(array $data): Observer
    {
        return new Observer(['event' => new Event($data)]);
    }

    private function product(array $data, bool $new = false): Product
    {
        $product = new Product($data + ['store_id' => 0, 'store_ids' => [1]]);
        $product->isObjectNew($new);
        return $product;
    }

    public function testSaveWritesOneThinEventRowAndSendsNothing(): void
    {
        $m = Module::configured($this->transport);
        $product = $this->product(['entity_id' => 2003, 'sku' => 'VR-3/B', 'updated_at' => '2026-01-05 09:59:00']);
        $product->setData('id', 2003);
        (new ProductSaveAfter($m->productEvents))->execute($this->observer(['product' => $product]));

        $rows = $m->rows();
        $this->assertCount(1, $rows);
        $this->assertSame([], $this->transport->requests, 'an observer never calls VARAi');
        $this->assertSame('product.updated', $rows[0]['topic']);
        $this->assertSame('pending', $rows[0]['status']);
        $this->assertSame('2026-01-05 10:00:00', $rows[0]['next_attempt_at']);
        $body = json_decode($rows[0]['body'], true);
        $this->assertSame([
            'event' => 'product.updated',
            'event_id' => $rows[0]['event_id'],
            'store_code' => 'default',
            'occurred_at' => '2026-01-05T10:00:00Z',
            'product' => ['id' => 2003, 'sku' => 'VR-3/B', 'updated_at' => '2026-01-05 09:59:00'],
        ], $body);
        $this->assertStringContainsString('"sku":"VR-3/B"', $rows[0]['body'], 'slashes are not escaped');
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $rows[0]['event_id']);
    }

    public function testNewProductIsCreatedAndDeleteIsATombstone(): void
    {
        $m = Module::configured($this->transport);
        $new = $this->product(['id' => 7, 'sku' => 'NEW-1'], true);
        (new ProductSaveAfter($m->productEvents))->execute($this->observer(['product' => $new]));
        (new ProductDeleteAfter($m->productEvents))->execute($this->observer(['product' => $this->product(['id' => 7, 'sku' => 'NEW-1'])]));

        $this->assertSame(['product.created', 'product.deleted'], array_column($m->rows(), 'topic'));
        $created = json_decode($m->rows()[0]['body'], true);
        $this->assertSame('2026-01-05 10:00:00', $created['product']['updated_at'], 'no updated_at yet: now');
    }

    public function testNothingIsWrittenWhenTheModuleIsDisabledOrUnconfigured(): void
    {
        $m = Module::configured($this->transport);
        $m->scopeConfig->defaults[Config::XML_ENABLED] = '0';
        (new ProductSaveAfter($m->productEvents))->execute($this->observer(['product' => $this->product(['id' => 1, 'sku' => 'A'])]));
        $m->scopeConfig->defaults[Config::XML_ENABLED] = '1';
        $m->scopeConfig->defaults[Config::XML_CONNECTION_ID] = '';
        (new ProductSaveAfter($m->productEvents))->execute($this->observer(['product' => $this->product(['id' => 1, 'sku' => 'A'])]));
        $this->assertSame([], $m->rows());
    }

    public function testStoreViewsGetTheirOwnEventsAndASharedConnectionGetsOne(): void
    {
        $m = new Module($this->transport, [
            Config::XML_ENABLED => '1',
            Config::XML_API_URL => 'https://varai.test',
            Config::XML_CONNECTION_ID => 'con_en',
            Config::XML_SHARED_SECRET => 's',
        ], [
            2 => [Config::XML_CONNECTION_ID => 'con_fr'],
            3 => [Config::XML_ENABLED => '0'],
        ], [1 => 'default', 2 => 'fr', 3 => 'de', 4 => 'en_gb']);
        $save = new ProductSaveAfter($m->productEvents);

        // Default scope, in every view: 1 and 4 share con_en (one event), 2 has con_fr, 3 is off.
        $save->execute($this->observer(['product' => $this->product(['id' => 5, 'sku' => 'S', 'store_ids' => [1, 2, 3, 4]])]));
        $this->assertSame([['1', 'default'], ['2', 'fr']], $this->storesOf($m->rows()));

        // A save in the French view's scope changes that view only.
        $m->db->pdo->exec('DELETE FROM varai_tryon_outbox');
        $save->execute($this->observer(['product' => $this->product(['id' => 5, 'sku' => 'S', 'store_id' => 2, 'store_ids' => [1, 2, 3, 4]])]));
        $this->assertSame([['2', 'fr']], $this->storesOf($m->rows()));
    }

    public function testImportBunchWritesOneEventPerSkuAndStoreView(): void
    {
        $m = Module::configured($this->transport);
        $adapter = new class () {
            public function getNewSku(string $sku): ?array
            {
                return ['VR-1' => ['entity_id' => '2001'], 'VR-2' => ['entity_id' => '2002']][$sku] ?? null;
            }
        };
        $bunch = [
            ['sku' => 'VR-1', 'name' => 'One'],
            ['sku' => 'VR-1', 'store_view_code' => '', '_media_image' => 'x.jpg'],
            ['sku' => 'VR-2', 'store_view_code' => 'default', 'name' => 'Deux'],
            ['sku' => 'GONE', 'name' => 'not written by this import'],
            ['sku' => '', 'name' => 'no sku'],
        ];
        (new ImportBunchSaveAfter($m->productEvents, $m->stores))->execute($this->observer(['adapter' => $adapter, 'bunch' => $bunch]));

        $products = array_map(static fn (array $r): array => json_decode($r['body'], true)['product'], $m->rows());
        $this->assertSame([2001, 2002], array_column($products, 'id'));
        $this->assertSame(['VR-1', 'VR-2'], array_column($products, 'sku'));
        $this->assertSame(['product.updated', 'product.updated'], array_column($m->rows(), 'topic'));
    }

    public function testAnObserverWithoutAProductOrSkuWritesNothing(): void
    {
        $m = Module::configured($this->transport);
        (new ProductSaveAfter($m->productEvents))->execute($this->observer([]));
        (new ProductSaveAfter($m->productEvents))->execute($this->observer(['product' => $this->product(['id' => 3, 'sku' => ''])]));
        (new ImportBunchSaveAfter($m->productEvents, $m->stores))->execute($this->observer(['bunch' => 'nope', 'adapter' => new DataObject()]));
        $this->assertSame([], $m->rows());
    }

    /** @return list<array{0: string, 1: string}> */
    private function storesOf(array $rows): array
    {
        return array_map(
            static fn (array $r): array => [(string) $r['store_id'], json_decode($r['body'], true)['store_code']],
            $rows
        );
    }
}
