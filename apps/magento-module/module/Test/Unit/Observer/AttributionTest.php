<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Observer;

use Magento\Framework\DataObject;
use Magento\Framework\Event;
use Magento\Framework\Event\Observer;
use Magento\Framework\Stdlib\CookieManagerInterface;
use Magento\Sales\Model\Order;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Model\Attribution\SessionId;
use Varai\TryOn\Observer\CopySessionToOrder;
use Varai\TryOn\Observer\OrderPlaced;
use Varai\TryOn\Observer\QuoteSession;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

class AttributionTest extends TestCase
{
    private function cookies(?string $value): CookieManagerInterface
    {
        $cookies = $this->createMock(CookieManagerInterface::class);
        $cookies->method('getCookie')->with('varai_session')->willReturn($value);
        return $cookies;
    }

    private function observer(array $data): Observer
    {
        return new Observer(['event' => new Event($data)]);
    }

    public function testTheCookieSessionGoesOntoTheQuoteThenTheOrder(): void
    {
        $quote = new DataObject();
        (new QuoteSession($this->cookies('ses_abc123'), new SessionId()))->execute($this->observer(['quote' => $quote]));
        $this->assertSame('ses_abc123', $quote->getData('varai_session_id'));

        $order = new Order();
        (new CopySessionToOrder(new SessionId()))->execute($this->observer(['quote' => $quote, 'order' => $order]));
        $this->assertSame('ses_abc123', $order->getData('varai_session_id'));
    }

    public function testAForgedOrMissingCookieChangesNothing(): void
    {
        foreach (['x" onload="', str_repeat('a', 129), '', null] as $value) {
            $quote = new DataObject(['varai_session_id' => 'ses_kept']);
            (new QuoteSession($this->cookies($value), new SessionId()))->execute($this->observer(['quote' => $quote]));
            $this->assertSame('ses_kept', $quote->getData('varai_session_id'));
        }
    }

    private function order(array $data = []): Order
    {
        $items = [
            new DataObject(['product_id' => '2003', 'sku' => 'VR-3/B', 'qty_ordered' => '2.0000', 'price' => '129.9000']),
            new DataObject(['product_id' => 2004, 'sku' => 'VR-4', 'qty_ordered' => 1, 'price' => 80]),
        ];
        return new Order($data + [
            'id' => 901, 'increment_id' => '000000901', 'store_id' => 1, 'order_currency_code' => 'EUR',
            'grand_total' => '339.8000', 'created_at' => '2026-01-05 10:00:00', 'varai_session_id' => 'ses_abc123',
            'items' => $items,
        ]);
    }

    public function testANewOrderWritesOneOrderPlacedEventWithItsSessionAndLines(): void
    {
        $m = Module::configured(new RecordingTransport());
        $observer = new OrderPlaced($m->orderEvents);
        $order = $this->order();
        $observer->execute($this->observer(['order' => $order]));
        $observer->execute($this->observer(['order' => $order])); // a second save in the same checkout

        $rows = $m->rows();
        $this->assertCount(1, $rows);
        $this->assertSame('order.placed', $rows[0]['topic']);
        $this->assertSame([
            'id' => 901,
            'increment_id' => '000000901',
            'currency' => 'EUR',
            'grand_total' => '339.80',
            'created_at' => '2026-01-05 10:00:00',
            'varai_session_id' => 'ses_abc123',
            'items' => [
                ['product_id' => 2003, 'sku' => 'VR-3/B', 'qty' => 2, 'price' => '129.90'],
                ['product_id' => 2004, 'sku' => 'VR-4', 'qty' => 1, 'price' => '80.00'],
            ],
        ], json_decode($rows[0]['body'], true)['order']);
    }

    public function testLaterSavesOfAnOrderSendNothing(): void
    {
        $m = Module::configured(new RecordingTransport());
        $loaded = $this->order();
        $loaded->setOrigData('entity_id', 901);
        (new OrderPlaced($m->orderEvents))->execute($this->observer(['order' => $loaded]));
        $this->assertSame([], $m->rows());
    }

    public function testAnOrderWithoutASessionStillCountsAsAPurchase(): void
    {
        $m = Module::configured(new RecordingTransport());
        (new OrderPlaced($m->orderEvents))->execute($this->observer(['order' => $this->order(['varai_session_id' => null])]));
        $this->assertNull(json_decode($m->rows()[0]['body'], true)['order']['varai_session_id']);
    }
}
