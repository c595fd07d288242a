<?php

declare(strict_types=1);

namespace Varai\TryOn\Cron;

use Varai\TryOn\Model\Outbox\Drainer;

/** Every minute (etc/crontab.xml, group varai_tryon): drains what is due. */
class SendOutbox
{
    public function __construct(private readonly Drainer $drainer)
    {
    }

    public function execute(): void
    {
        $this->drainer->drain();
    }
}
