<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Http;

/** One HTTP POST to VARAi. */
interface TransportInterface
{
    /** @param array<string, string> $headers */
    public function post(string $url, array $headers, string $body, int $timeoutSeconds): Response;
}
