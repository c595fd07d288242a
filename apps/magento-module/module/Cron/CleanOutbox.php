<?php

declare(strict_types=1);

namespace Varai\TryOn\Cron;

use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\Outbox\OutboxRepository;

/** Daily: sent rows older than the configured days are deleted; dead rows stay for the admin. */
class CleanOutbox
{
    public function __construct(
        private readonly OutboxRepository $outbox,
        private readonly Config $config
    ) {
    }

    public function execute(): void
    {
        $this->outbox->purgeSent(gmdate('Y-m-d H:i:s', time() - $this->config->getKeepSentDays() * 86400));
    }
}
