<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Model;

use PHPUnit\Framework\TestCase;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

class ConnectionTesterTest extends TestCase
{
    public function testSendsASignedConnectionTestNowAndNotThroughTheOutbox(): void
    {
        $transport = new RecordingTransport([new Response(200, 'ok')]);
        $m = Module::configured($transport);
        $result = $m->tester->test(1);

        $this->assertSame(['ok' => true, 'status' => 200, 'message' => 'Connected: VARAi verified the signature for connection con_1.'], $result);
        $request = $transport->requests[0];
        $this->assertSame('connection.test', $request['headers']['X-Varai-Topic']);
        $body = json_decode($request['body'], true);
        $this->assertSame(['event', 'event_id', 'store_code', 'occurred_at'], array_keys($body));
        $this->assertSame($body['event_id'], $request['headers']['X-Varai-Event-Id']);
        $this->assertSame([], $m->rows());
    }

    /** @return array<string, array{0: Response, 1: string}> */
    public static function answers(): array
    {
        return [
            'bad secret' => [new Response(401, 'Signature mismatch'), 'shared secret is not this connection'],
            'unknown connection' => [new Response(404, '{"code":"NOT_FOUND"}'), 'has no connection con_1'],
            'unreachable' => [new Response(0, '', 'Connection refused'), 'Could not reach VARAi at https://varai.test (Connection refused)'],
            'other' => [new Response(400, 'X-Varai-Topic / X-Varai-Event-Id disagree with the body'), 'VARAi answered HTTP 400: X-Varai-Topic'],
        ];
    }

    /** @dataProvider answers */
    public function testSaysWhatWentWrongInTheMerchantsTerms(Response $answer, string $expected): void
    {
        $m = Module::configured(new RecordingTransport([$answer]));
        $result = $m->tester->test(1);
        $this->assertFalse($result['ok']);
        $this->assertStringContainsString($expected, $result['message']);
        $this->assertStringNotContainsString('shh-secret', $result['message']);
    }

    public function testAsksForTheConfigurationFirst(): void
    {
        $transport = new RecordingTransport();
        $m = Module::configured($transport);
        $m->scopeConfig->defaults[Config::XML_SHARED_SECRET] = '';
        $this->assertStringContainsString('save the configuration first', $m->tester->test(1)['message']);
        $this->assertSame([], $transport->requests);
    }
}
