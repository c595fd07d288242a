<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

/**
 * When a failed event is tried again: 1, 2, 4, ... minutes, at most 6 hours apart. With the
 * default 10 attempts an event is retried for about 8.5 hours before it is marked dead; the
 * catalog's reconciliation (`updated_at gteq`) catches whatever is lost beyond that.
 */
class Backoff
{
    private const BASE_SECONDS = 60;
    private const CAP_SECONDS = 21600;

    /** Seconds to wait after the given number of failed attempts (1 = the first failure). */
    public function delaySeconds(int $failedAttempts): int
    {
        $exponent = max(0, min(20, $failedAttempts - 1));
        return min(self::CAP_SECONDS, self::BASE_SECONDS * (2 ** $exponent));
    }
}
