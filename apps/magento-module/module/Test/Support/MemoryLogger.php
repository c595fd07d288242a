<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Psr\Log\LoggerInterface;

class MemoryLogger implements LoggerInterface
{
    /** @var list<array{level: string, message: string, context: array}> */
    public array $records = [];

    public function warning($message, array $context = [])
    {
        $this->records[] = ['level' => 'warning', 'message' => (string) $message, 'context' => $context];
    }

    public function error($message, array $context = [])
    {
        $this->records[] = ['level' => 'error', 'message' => (string) $message, 'context' => $context];
    }

    public function info($message, array $context = [])
    {
        $this->records[] = ['level' => 'info', 'message' => (string) $message, 'context' => $context];
    }
}
