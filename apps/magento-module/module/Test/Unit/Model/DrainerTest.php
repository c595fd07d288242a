<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Model;

use PHPUnit\Framework\TestCase;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Model\Outbox\Drainer;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

class DrainerTest extends TestCase
{
    private function queue(Module $m, int $count): void
    {
        for ($i = 1; $i <= $count; $i++) {
            $m->productEvents->record('product.updated', [[
                'id' => 2000 + $i, 'sku' => 'SKU-' . $i, 'updated_at' => null, 'scope_store_id' => 0, 'store_ids' => [],
            ]]);
        }
    }

    public function testSendsEachRowSignedWithTheContractHeadersAndMarksItSent(): void
    {
        $transport = new RecordingTransport();
        $m = Module::configured($transport, 'https://varai.test/', 'shh-secret');
        $this->queue($m, 1);
        $row = $m->rows()[0];

        $this->assertSame(['sent' => 1, 'retried' => 0, 'dead' => 0, 'locked' => false], $m->drainer->drain());

        $request = $transport->requests[0];
        $this->assertSame('https://varai.test/webhooks/magento/con_1', $request['url']);
        $this->assertSame($row['body'], $request['body'], 'the stored bytes, unchanged');
        $this->assertSame('product.updated', $request['headers']['X-Varai-Topic']);
        $this->assertSame($row['event_id'], $request['headers']['X-Varai-Event-Id']);
        $this->assertSame(
            base64_encode(hash_hmac('sha256', $row['body'], 'shh-secret', true)),
            $request['headers']['X-Varai-Signature']
        );
        $this->assertSame('application/json', $request['headers']['Content-Type']);
        $sent = $m->rows()[0];
        $this->assertSame(['sent', '1', '200'], [$sent['status'], (string) $sent['attempts'], (string) $sent['last_http_status']]);
        $this->assertSame('2026-01-05 10:00:00', $sent['sent_at']);
        // Nothing is due any more.
        $this->assertSame(0, $m->drainer->drain()['sent']);
        $this->assertCount(1, $transport->requests);
    }

    public function testAFailureIsRetriedWithBackoffWithTheSameEventIdThenDeadAfterMaxAttempts(): void
    {
        $transport = new RecordingTransport(array_fill(0, 10, new Response(503, '<html>Service Unavailable</html>')));
        $m = Module::configured($transport);
        $m->scopeConfig->defaults[Config::XML_MAX_ATTEMPTS] = '4';
        $this->queue($m, 1);
        $start = $m->now;

        $this->assertSame(1, $m->drainer->drain()['retried']);
        $row = $m->rows()[0];
        $this->assertSame(['retry', '1', '503', 'HTTP 503: Service Unavailable'], [$row['status'], (string) $row['attempts'], (string) $row['last_http_status'], $row['last_error']]);
        $this->assertSame(gmdate('Y-m-d H:i:s', $start + 60), $row['next_attempt_at'], 'first retry after a minute');

        // Not due yet: nothing is sent.
        $m->now = $start + 59;
        $this->assertSame(0, $m->drainer->drain()['retried']);
        $this->assertCount(1, $transport->requests);

        $m->now = $start + 60;
        $m->drainer->drain();
        $this->assertSame(gmdate('Y-m-d H:i:s', $start + 60 + 120), $m->rows()[0]['next_attempt_at'], 'then two minutes');
        $m->now += 120;
        $m->drainer->drain();
        $this->assertSame(gmdate('Y-m-d H:i:s', $m->now + 240), $m->rows()[0]['next_attempt_at'], 'then four');
        $m->now += 240;
        $this->assertSame(1, $m->drainer->drain()['dead']);

        $dead = $m->rows()[0];
        $this->assertSame(['dead', '4'], [$dead['status'], (string) $dead['attempts']]);
        $this->assertSame(array_fill(0, 4, $dead['event_id']), array_map(static fn (array $r): string => $r['headers']['X-Varai-Event-Id'], $transport->requests));
        $this->assertSame(1, $m->outbox->countsByStatus()['dead']);
        $this->assertSame('VARAi outbox: event marked dead', $m->logger->records[0]['message']);
        $this->assertStringNotContainsString('shh-secret', json_encode($m->logger->records), 'the secret is never logged');

        // Dead rows are not sent again until retried (admin button, --retry-dead).
        $m->now += 86400;
        $this->assertSame(0, $m->drainer->drain()['retried'] + $m->drainer->drain()['dead']);
        $this->assertSame(1, $m->outbox->retryDead(gmdate('Y-m-d H:i:s', $m->now)));
        $transport->answers = [];
        $this->assertSame(1, $m->drainer->drain()['sent']);
    }

    public function testNetworkFailuresAndAMissingConfigurationAreRetriesNotCrashes(): void
    {
        $transport = new RecordingTransport([new Response(0, '', 'Connection refused')]);
        $m = Module::configured($transport);
        $this->queue($m, 1);
        $m->drainer->drain();
        $this->assertSame('network: Connection refused', $m->rows()[0]['last_error']);
        $this->assertNull($m->rows()[0]['last_http_status']);

        $m->scopeConfig->defaults[Config::XML_SHARED_SECRET] = '';
        $m->now += 3600;
        $m->drainer->drain();
        $this->assertCount(1, $transport->requests, 'nothing is sent unsigned');
        $this->assertStringContainsString('not fully configured', $m->rows()[0]['last_error']);
    }

    public function testDrainsInBatchesOldestFirstUpToTheRunLimit(): void
    {
        $transport = new RecordingTransport();
        $m = Module::configured($transport);
        $m->scopeConfig->defaults[Config::XML_BATCH_SIZE] = '3';
        $m->scopeConfig->defaults[Config::XML_MAX_BATCHES] = '2';
        $this->queue($m, 8);

        $this->assertSame(6, $m->drainer->drain()['sent']);
        $skus = array_map(static fn (array $r): string => json_decode($r['body'], true)['product']['sku'], $transport->requests);
        $this->assertSame(['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5', 'SKU-6'], $skus);
        $this->assertSame(2, $m->drainer->drain()['sent']);
        $this->assertSame(['pending' => 0, 'retry' => 0, 'sent' => 8, 'dead' => 0], $m->outbox->countsByStatus());
    }

    public function testOneDrainAtATime(): void
    {
        $transport = new RecordingTransport();
        $m = Module::configured($transport);
        $this->queue($m, 1);
        $m->locks->lock(Drainer::LOCK);
        $this->assertTrue($m->drainer->drain()['locked']);
        $this->assertSame([], $transport->requests);
        $m->locks->unlock(Drainer::LOCK);
        $this->assertSame(1, $m->drainer->drain()['sent']);
        $this->assertFalse($m->locks->isLocked(Drainer::LOCK), 'released after the run');
    }

    public function testSentRowsArePurgedAfterTheirDaysAndDeadOnesKept(): void
    {
        $transport = new RecordingTransport([new Response(200, ''), new Response(400, 'bad')]);
        $m = Module::configured($transport);
        $m->scopeConfig->defaults[Config::XML_MAX_ATTEMPTS] = '1';
        $this->queue($m, 2);
        $m->drainer->drain();
        $this->assertSame(1, $m->outbox->purgeSent(gmdate('Y-m-d H:i:s', $m->now + 1)));
        $this->assertSame(['dead'], array_column($m->rows(), 'status'));
    }
}
