<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use DOMDocument;
use DOMElement;
use DOMXPath;

/**
 * Creates SQLite tables from the module's etc/db_schema.xml, so the tests run against the
 * columns, defaults and unique keys the module declares (not a hand-kept copy).
 */
class SqliteSchema
{
    private const TYPES = [
        'int' => 'INTEGER', 'smallint' => 'INTEGER', 'varchar' => 'TEXT', 'text' => 'TEXT',
        'mediumtext' => 'TEXT', 'datetime' => 'TEXT', 'timestamp' => 'TEXT', 'decimal' => 'TEXT',
    ];

    /** @param list<string>|null $tables only these (default: every table) */
    public static function create(SqliteConnection $db, string $schemaFile, ?array $tables = null): void
    {
        $doc = new DOMDocument();
        $doc->load($schemaFile);
        $xpath = new DOMXPath($doc);
        $xpath->registerNamespace('xsi', 'http://www.w3.org/2001/XMLSchema-instance');
        foreach ($xpath->query('/schema/table') as $table) {
            /** @var DOMElement $table */
            $name = $table->getAttribute('name');
            if ($tables !== null && !in_array($name, $tables, true)) {
                continue;
            }
            $db->pdo->exec(self::createTable($xpath, $table));
        }
    }

    private static function createTable(DOMXPath $xpath, DOMElement $table): string
    {
        $columns = [];
        foreach ($xpath->query('column', $table) as $column) {
            /** @var DOMElement $column */
            $type = self::TYPES[$column->getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type')] ?? 'TEXT';
            $sql = $column->getAttribute('name') . ' ' . $type;
            if ($column->getAttribute('identity') === 'true') {
                $sql .= ' PRIMARY KEY AUTOINCREMENT';
            } elseif ($column->getAttribute('nullable') === 'false') {
                $sql .= ' NOT NULL';
            }
            if ($column->hasAttribute('default')) {
                $sql .= " DEFAULT '" . str_replace("'", "''", $column->getAttribute('default')) . "'";
            }
            $columns[] = $sql;
        }
        foreach ($xpath->query('constraint[@xsi:type="unique"]', $table) as $unique) {
            $names = [];
            foreach ($xpath->query('column', $unique) as $column) {
                $names[] = $column->getAttribute('name');
            }
            $columns[] = 'UNIQUE (' . implode(', ', $names) . ')';
        }
        return sprintf('CREATE TABLE %s (%s)', $table->getAttribute('name'), implode(', ', $columns));
    }
}
