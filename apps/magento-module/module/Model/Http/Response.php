<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Http;

/** What came back: an HTTP status and body, or (status 0) why nothing did. */
class Response
{
    public function __construct(
        public readonly int $status,
        public readonly string $body,
        public readonly string $error = ''
    ) {
    }

    public function isSuccess(): bool
    {
        return $this->status >= 200 && $this->status < 300;
    }

    /** A short reason for the admin and the outbox row (never the request, which holds the signature). */
    public function describe(): string
    {
        if ($this->status === 0) {
            return 'network: ' . $this->error;
        }
        $text = trim(preg_replace('/\s+/', ' ', strip_tags($this->body)) ?? '');
        return 'HTTP ' . $this->status . ($text === '' ? '' : ': ' . mb_substr($text, 0, 200));
    }
}
