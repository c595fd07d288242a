<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

use Magento\Framework\Lock\LockManagerInterface;
use Psr\Log\LoggerInterface;
use Varai\TryOn\Model\Config;

/**
 * Drains the outbox in batches (cron every minute, `bin/magento varai:outbox:send`): each due
 * row is sent; a 2xx marks it sent, anything else schedules a retry with backoff, and the last
 * allowed attempt marks it dead (listed in the admin's outbox view). One drain at a time
 * (a named lock), so cron and the console command never send a row twice at once.
 */
class Drainer
{
    public const LOCK = 'varai_tryon_outbox_drain';

    /** @var callable(): int */
    private $clock;

    /** @param (callable(): int)|null $clock Unix time (tests pass their own). */
    public function __construct(
        private readonly OutboxRepository $outbox,
        private readonly Sender $sender,
        private readonly Backoff $backoff,
        private readonly Config $config,
        private readonly LockManagerInterface $locks,
        private readonly LoggerInterface $logger,
        ?callable $clock = null
    ) {
        $this->clock = $clock ?? static fn (): int => time();
    }

    /** @return array{sent: int, retried: int, dead: int, locked: bool} */
    public function drain(?int $maxBatches = null): array
    {
        $summary = ['sent' => 0, 'retried' => 0, 'dead' => 0, 'locked' => false];
        if (!$this->locks->lock(self::LOCK, 0)) {
            $summary['locked'] = true;
            return $summary;
        }
        try {
            $batches = $maxBatches ?? $this->config->getMaxBatches();
            for ($i = 0; $i < $batches; $i++) {
                $rows = $this->outbox->due($this->time(), $this->config->getBatchSize());
                foreach ($rows as $row) {
                    $summary[$this->deliver($row)]++;
                }
                if (count($rows) < $this->config->getBatchSize()) {
                    break;
                }
            }
        } finally {
            $this->locks->unlock(self::LOCK);
        }
        return $summary;
    }

    /** Dead events get a fresh set of attempts, due now (admin button, `--retry-dead`). */
    public function requeueDead(): int
    {
        return $this->outbox->retryDead($this->time());
    }

    /**
     * @param array<string, mixed> $row
     * @return 'sent'|'retried'|'dead'
     */
    private function deliver(array $row): string
    {
        $id = (int) $row['outbox_id'];
        $attempts = (int) $row['attempts'] + 1;
        $response = $this->sender->send($row);
        $status = $response->status === 0 ? null : $response->status;
        if ($response->isSuccess()) {
            $this->outbox->markSent($id, $attempts, $response->status, $this->time());
            return 'sent';
        }
        $reason = $response->describe();
        if ($attempts >= $this->config->getMaxAttempts()) {
            $this->outbox->markDead($id, $attempts, $status, $reason);
            $this->logger->warning('VARAi outbox: event marked dead', [
                'event_id' => $row['event_id'],
                'topic' => $row['topic'],
                'attempts' => $attempts,
                'reason' => $reason,
            ]);
            return 'dead';
        }
        $next = $this->time(($this->clock)() + $this->backoff->delaySeconds($attempts));
        $this->outbox->markRetry($id, $attempts, $status, $reason, $next);
        return 'retried';
    }

    private function time(?int $at = null): string
    {
        return gmdate('Y-m-d H:i:s', $at ?? ($this->clock)());
    }
}
