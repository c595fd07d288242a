import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";

/**
 * The embedded default's one database file (node:sqlite, built into Node 24; ADR 0004). The
 * document store and the queue each open their own connection to it, in one process or several
 * (a gateway and a worker on one DATA_DIR): WAL lets readers run beside the one writer, and
 * `busy_timeout` makes a writer wait for another process's transaction instead of failing.
 *
 * Every transaction here runs synchronously from BEGIN to COMMIT (no await inside), so a
 * connection never holds the write lock while this process's event loop runs anything else.
 */
export interface SqliteOptions {
  /**
   * `normal` (default): a commit is in the WAL file when it returns, so it survives the process
   * being killed at any instant (kill -9, OOM); a power cut or kernel crash may lose the commits
   * since the last checkpoint. `full`: also fsync the WAL on every commit (survives a power cut;
   * each commit then blocks the event loop for the disk's flush, several ms here).
   */
  synchronous?: "normal" | "full";
  /** How long a writer waits for another connection's transaction. Default 5 000 ms. */
  busyTimeoutMs?: number;
}

export interface SqliteDatabase {
  readonly db: DatabaseSync;
  /** Prepared statements by SQL text (prepared once per connection). */
  statement(sql: string): StatementSync;
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE): all of it commits, or none of it. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

const STATEMENT_CACHE_SIZE = 500;

/** Opens (creating) the database file, or a private in-memory database when `file` is null (tests). */
export function openSqlite(file: string | null, options: SqliteOptions = {}): SqliteDatabase {
  if (file !== null) mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file ?? ":memory:", { timeout: options.busyTimeoutMs ?? 5000 });
  if (file !== null) db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  // Erased documents (privacy redaction) must leave the bytes on disk, not only the index: deleted
  // content is overwritten with zeros. The WAL keeps old page images until a checkpoint; the last
  // connection to close checkpoints and removes it, and journal_size_limit truncates it after each
  // checkpoint instead of leaving old frames beyond its end.
  db.exec("PRAGMA secure_delete = ON");
  db.exec("PRAGMA journal_size_limit = 67108864");
  const statements = new Map<string, StatementSync>();
  let depth = 0;

  return {
    db,
    statement(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
    transaction<T>(fn: () => T): T {
      // Nested calls join the outer transaction (one use case may call another's write).
      if (depth > 0) return fn();
      db.exec("BEGIN IMMEDIATE");
      depth++;
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      } finally {
        depth--;
      }
    },
    close() {
      statements.clear();
      if (db.isOpen) {
        try {
          // Lets SQLite refresh the statistics its planner uses, cheaply (only where they are stale).
          db.exec("PRAGMA optimize");
        } catch {
          // Best effort: another connection may hold the lock.
        }
        db.close();
      }
    },
  };
}

/** SQLITE_CONSTRAINT and its extended codes (UNIQUE 2067, PRIMARYKEY 1555). */
export function isConstraintError(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === "number" && (code & 0xff) === 19;
}

/** Double-quoted SQL identifier (collection names are checked to `[A-Za-z0-9_-]` before they get here). */
export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
