<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Model\Http\TransportInterface;

/** VARAi's side in unit tests: answers from a script (default 200) and keeps every request. */
class RecordingTransport implements TransportInterface
{
    /** @var list<array{url: string, headers: array<string, string>, body: string}> */
    public array $requests = [];

    /** @param list<Response> $answers used in order, then 200 */
    public function __construct(public array $answers = [])
    {
    }

    public function post(string $url, array $headers, string $body, int $timeoutSeconds): Response
    {
        $this->requests[] = ['url' => $url, 'headers' => $headers, 'body' => $body];
        return array_shift($this->answers) ?? new Response(200, 'accepted');
    }
}
