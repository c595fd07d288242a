<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Framework\DB\Adapter\AdapterInterface;
use PDO;

/**
 * Magento's DB adapter over a real SQLite database (PDO), for the calls the module makes: the
 * outbox's SQL runs for real in the tests. Tables come from etc/db_schema.xml (SqliteSchema).
 * `where` arrays follow Magento's `['col = ?' => value]` form (an array value expands `IN (?)`).
 */
class SqliteConnection implements AdapterInterface
{
    public readonly PDO $pdo;

    public function __construct(?string $file = null)
    {
        $this->pdo = new PDO('sqlite:' . ($file ?? ':memory:'));
        $this->pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        $this->pdo->setAttribute(PDO::ATTR_DEFAULT_FETCH_MODE, PDO::FETCH_ASSOC);
    }

    public function insertMultiple($table, array $data)
    {
        foreach ($data as $row) {
            $columns = array_keys($row);
            $sql = sprintf(
                'INSERT INTO %s (%s) VALUES (%s)',
                $table,
                implode(', ', $columns),
                implode(', ', array_fill(0, count($columns), '?'))
            );
            $this->pdo->prepare($sql)->execute(array_values($row));
        }
        return count($data);
    }

    public function fetchAll($sql, $bind = [], $fetchMode = null)
    {
        $statement = $this->pdo->prepare($sql);
        $statement->execute($bind);
        return $statement->fetchAll();
    }

    public function update($table, array $bind, $where = '')
    {
        $set = implode(', ', array_map(static fn (string $c): string => $c . ' = ?', array_keys($bind)));
        [$clause, $params] = $this->where($where);
        $statement = $this->pdo->prepare(sprintf('UPDATE %s SET %s%s', $table, $set, $clause));
        $statement->execute([...array_values($bind), ...$params]);
        return $statement->rowCount();
    }

    public function delete($table, $where = '')
    {
        [$clause, $params] = $this->where($where);
        $statement = $this->pdo->prepare(sprintf('DELETE FROM %s%s', $table, $clause));
        $statement->execute($params);
        return $statement->rowCount();
    }

    public function dropTable($tableName, $schemaName = null)
    {
        $this->pdo->exec('DROP TABLE IF EXISTS ' . $tableName);
        return true;
    }

    public function tableColumnExists($tableName, $columnName, $schemaName = null)
    {
        foreach ($this->fetchAll('PRAGMA table_info(' . $tableName . ')') as $column) {
            if ($column['name'] === $columnName) {
                return true;
            }
        }
        return false;
    }

    public function dropColumn($tableName, $columnName, $schemaName = null)
    {
        $this->pdo->exec(sprintf('ALTER TABLE %s DROP COLUMN %s', $tableName, $columnName));
        return true;
    }

    /** @return array{0: string, 1: list<mixed>} */
    private function where(array|string $where): array
    {
        if ($where === '' || $where === []) {
            return ['', []];
        }
        $parts = [];
        $params = [];
        foreach ((array) $where as $condition => $value) {
            if (is_array($value)) {
                $condition = str_replace('?', implode(', ', array_fill(0, count($value), '?')), $condition);
                array_push($params, ...$value);
            } else {
                $params[] = $value;
            }
            $parts[] = '(' . $condition . ')';
        }
        return [' WHERE ' . implode(' AND ', $parts), $params];
    }
}
