<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

use Magento\Framework\App\ResourceConnection;
use Magento\Framework\DB\Adapter\AdapterInterface;

/**
 * The outbox table (etc/db_schema.xml). Rows are written on the default connection, the one the
 * catalog's product save runs its transaction on, so an event exists exactly when the save
 * commits. Plain SQL that MySQL and SQLite (the tests) both run.
 */
class OutboxRepository
{
    public const TABLE = 'varai_tryon_outbox';
    public const PENDING = 'pending';
    public const RETRY = 'retry';
    public const SENT = 'sent';
    public const DEAD = 'dead';

    public function __construct(private readonly ResourceConnection $resource)
    {
    }

    /** @param list<array{event_id: string, topic: string, store_id: int, body: string}> $events */
    public function add(array $events, string $now): void
    {
        if ($events === []) {
            return;
        }
        $rows = array_map(static fn (array $e): array => $e + [
            'status' => self::PENDING,
            'attempts' => 0,
            'next_attempt_at' => $now,
            'created_at' => $now,
        ], $events);
        $this->connection()->insertMultiple($this->table(), $rows);
    }

    /** @return list<array<string, mixed>> the oldest due rows (pending or retry) */
    public function due(string $now, int $limit): array
    {
        $sql = sprintf(
            'SELECT outbox_id, event_id, topic, store_id, body, attempts FROM %s'
            . ' WHERE status IN (:pending, :retry) AND next_attempt_at <= :now ORDER BY outbox_id LIMIT %d',
            $this->table(),
            max(1, $limit)
        );
        return $this->connection()->fetchAll($sql, ['pending' => self::PENDING, 'retry' => self::RETRY, 'now' => $now]);
    }

    public function markSent(int $id, int $attempts, int $httpStatus, string $now): void
    {
        $this->update($id, [
            'status' => self::SENT,
            'attempts' => $attempts,
            'last_http_status' => $httpStatus,
            'last_error' => null,
            'sent_at' => $now,
        ]);
    }

    public function markRetry(int $id, int $attempts, ?int $httpStatus, string $error, string $nextAttemptAt): void
    {
        $this->update($id, [
            'status' => self::RETRY,
            'attempts' => $attempts,
            'last_http_status' => $httpStatus,
            'last_error' => $this->clip($error),
            'next_attempt_at' => $nextAttemptAt,
        ]);
    }

    public function markDead(int $id, int $attempts, ?int $httpStatus, string $error): void
    {
        $this->update($id, [
            'status' => self::DEAD,
            'attempts' => $attempts,
            'last_http_status' => $httpStatus,
            'last_error' => $this->clip($error),
        ]);
    }

    /** Dead rows go back to the queue with a fresh attempt budget (admin action, console option). */
    public function retryDead(string $now): int
    {
        return $this->connection()->update(
            $this->table(),
            ['status' => self::RETRY, 'attempts' => 0, 'next_attempt_at' => $now],
            ['status = ?' => self::DEAD]
        );
    }

    /** @return array<string, int> row count per status, every status present */
    public function countsByStatus(): array
    {
        $counts = [self::PENDING => 0, self::RETRY => 0, self::SENT => 0, self::DEAD => 0];
        $rows = $this->connection()->fetchAll(
            sprintf('SELECT status, COUNT(*) AS n FROM %s GROUP BY status', $this->table())
        );
        foreach ($rows as $row) {
            $counts[(string) $row['status']] = (int) $row['n'];
        }
        return $counts;
    }

    /** @return list<array<string, mixed>> the newest dead rows, without their bodies */
    public function latestDead(int $limit): array
    {
        $sql = sprintf(
            'SELECT outbox_id, event_id, topic, store_id, attempts, last_http_status, last_error, created_at'
            . ' FROM %s WHERE status = :dead ORDER BY outbox_id DESC LIMIT %d',
            $this->table(),
            max(1, $limit)
        );
        return $this->connection()->fetchAll($sql, ['dead' => self::DEAD]);
    }

    /** Deletes sent rows sent before the given time; dead rows stay until retried. */
    public function purgeSent(string $before): int
    {
        return $this->connection()->delete($this->table(), ['status = ?' => self::SENT, 'sent_at < ?' => $before]);
    }

    /** @param array<string, mixed> $bind */
    private function update(int $id, array $bind): void
    {
        $this->connection()->update($this->table(), $bind, ['outbox_id = ?' => $id]);
    }

    private function clip(string $error): string
    {
        return mb_substr($error, 0, 255);
    }

    private function connection(): AdapterInterface
    {
        return $this->resource->getConnection();
    }

    private function table(): string
    {
        return $this->resource->getTableName(self::TABLE);
    }
}
