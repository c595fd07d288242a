import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type Clock, type Logger, noopLogger, systemClock } from "../ports/logger.ts";
import type { ConsumeOptions, Consumer, DeadLetter, DeadLetterEdit, Job, Queue } from "../ports/queue.ts";
import { backoffDelay, errorMessage, resolveConsumeOptions, sleep } from "./queue-shared.ts";
import { closeRedis, luaScript, openRedis, watchErrors } from "./redis-connection.ts";

export interface RedisQueueOptions {
  /** A connection (the caller closes it) or a URL (the queue opens and closes its own). */
  redis: Redis | string;
  /** Default `varai:queue:`. */
  keyPrefix?: string;
  logger?: Logger;
  clock?: Clock;
  /** How long one XREADGROUP blocks; bounds how late a due retry is noticed and how long stop() waits. Default 1000 ms. */
  pollMs?: number;
  /** Dead letters kept per queue (approximate MAXLEN). Default 10 000. */
  maxDeadLetters?: number;
}

/** One consumer group per queue: every consumer of a queue shares its entries. */
export const REDIS_QUEUE_GROUP = "workers";

/**
 * Key layout. The `{queue}` hash tag keeps a queue's keys in one Redis Cluster slot, so the
 * Lua scripts below (which touch several of them) also run on a cluster.
 */
export function redisQueueKeys(keyPrefix: string, queue: string) {
  const base = `${keyPrefix}{${queue}}`;
  return { stream: `${base}:stream`, delayed: `${base}:delayed`, dead: `${base}:dead` };
}

// Delayed jobs and retries wait in a ZSET scored by due time; members are "<attempt>:<job json>".
// Moving them is one script, so two consumers never both move (and deliver) one job.
const moveDueScript = luaScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local sep = string.find(member, ':', 1, true)
  redis.call('XADD', KEYS[2], '*', 'job', string.sub(member, sep + 1), 'attempt', string.sub(member, 1, sep - 1))
  redis.call('ZREM', KEYS[1], member)
end
return #due
`);

// Settles an entry only while this consumer still owns it: if another consumer re-claimed it
// (this one looked dead), the new owner's outcome stands and this one is dropped.
const settleScript = luaScript(`
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
if ARGV[4] == 'retry' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
elseif ARGV[4] == 'dead' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'job', ARGV[6], 'attempt', ARGV[7], 'error', ARGV[8], 'failedAt', ARGV[9])
end
return 1
`);

// Lease extension: resets the idle time of entries this consumer still owns, so a live
// consumer with a slow handler is never mistaken for a dead one and its job handed on.
// JUSTID keeps the delivery counter unchanged.
const heartbeatScript = luaScript(`
local kept = 0
for i = 3, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #pending > 0 and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    kept = kept + 1
  end
end
return kept
`);

const requeueScript = luaScript(`
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'job' then redis.call('XADD', KEYS[2], '*', 'job', fields[i + 1], 'attempt', '1') end
  end
  redis.call('XDEL', KEYS[1], entry[1])
end
return #entries
`);

// Compare-and-set on one dead letter: changes it only if its job is still the one the caller
// edited, so a letter requeued or trimmed meanwhile is never resurrected and a concurrent edit
// is never overwritten. A stream entry cannot be changed in place: a replacement is appended.
const rewriteLetterScript = luaScript(`
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entry == 0 then return 0 end
local fields = entry[1][2]
local out = {}
local job = nil
for i = 1, #fields, 2 do
  out[#out + 1] = fields[i]
  if fields[i] == 'job' then
    job = fields[i + 1]
    out[#out + 1] = ARGV[4]
  else
    out[#out + 1] = fields[i + 1]
  end
end
if job ~= ARGV[2] then return 0 end
redis.call('XDEL', KEYS[1], ARGV[1])
if ARGV[3] == 'replace' then redis.call('XADD', KEYS[1], '*', unpack(out)) end
return 1
`);

// XDEL only flags an entry as deleted: its bytes stay in the stream's node (and in a DUMP, an
// RDB snapshot, a replica's full sync) until every entry of that node is gone. After a rewrite
// the dead-letter stream is rebuilt with the same ids from its live entries, so what was taken
// out is gone from Redis's memory too. It has no consumer group, so nothing else is lost.
const compactScript = luaScript(`
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
redis.call('DEL', KEYS[1])
for _, entry in ipairs(entries) do redis.call('XADD', KEYS[1], entry[1], unpack(entry[2])) end
return #entries
`);

type StreamEntry = [id: string, fields: string[]];

interface StoredJob {
  id: string;
  payload: unknown;
  enqueuedAt: string;
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * Queue on Redis Streams. Delivery is at-least-once: a job whose consumer dies before
 * acknowledging it is delivered again (to another consumer, after `visibilityTimeoutMs`),
 * so handlers must be idempotent (use `job.id`).
 *
 * Per queue: a stream of waiting and in-flight entries (acknowledged entries are deleted, so
 * XLEN is what is left to do), a ZSET of delayed jobs and retries, and a dead-letter stream.
 */
export function createRedisQueue(options: RedisQueueOptions): Queue {
  const logger = options.logger ?? noopLogger;
  const clock = options.clock ?? systemClock;
  const { redis, owned } = openRedis(options.redis, logger);
  const prefix = options.keyPrefix ?? "varai:queue:";
  const pollMs = options.pollMs ?? 1000;
  const maxDead = options.maxDeadLetters ?? 10_000;
  const consumers = new Set<Consumer>();
  const now = () => clock().getTime();

  const ensureGroup = async (stream: string) => {
    try {
      // "0", not "$": entries enqueued before the first consumer started must be delivered too.
      await redis.xgroup("CREATE", stream, REDIS_QUEUE_GROUP, "0", "MKSTREAM");
    } catch (error) {
      if (!errorMessage(error).startsWith("BUSYGROUP")) throw error;
    }
  };

  const parseJob = (queue: string, fields: string[], attempt: number): { job: Job; json: string } | null => {
    const json = field(fields, "job");
    if (json === undefined) return null;
    try {
      const stored = JSON.parse(json) as StoredJob;
      return { json, job: { id: stored.id, queue, payload: stored.payload, attempt, enqueuedAt: stored.enqueuedAt } };
    } catch {
      return null;
    }
  };

  const consume = <T>(queue: string, handler: (job: Job<T>) => Promise<void>, consumeOptions?: ConsumeOptions) => {
    const { concurrency, maxAttempts, backoffMs, visibilityTimeoutMs, consumerName } =
      resolveConsumeOptions(consumeOptions);
    const keys = redisQueueKeys(prefix, queue);
    const log = logger.child({ queue, consumer: consumerName });
    // XREADGROUP BLOCK holds its connection, so each consumer reads on its own.
    const blocking = redis.duplicate();
    watchErrors(blocking, log);
    const inFlight = new Set<string>();
    const reclaimEveryMs = Math.max(pollMs, Math.min(visibilityTimeoutMs / 2, 5000));
    let running = true;
    let lastReclaimAt = 0;
    let reclaimCursor = "0-0";
    let wake: (() => void) | null = null;
    const idle = new Set<() => void>();

    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };

    const settle = async (entryId: string, json: string, job: Job, error: unknown) => {
      const base = [REDIS_QUEUE_GROUP, consumerName, entryId];
      const allKeys = [keys.stream, keys.delayed, keys.dead];
      if (error === undefined) return settleScript(redis, allKeys, [...base, "ack"]);
      const message = errorMessage(error);
      if (job.attempt >= maxAttempts) {
        log.error({ jobId: job.id, attempt: job.attempt, error: message }, "job dead-lettered");
        const failedAt = clock().toISOString();
        return settleScript(redis, allKeys, [...base, "dead", maxDead, json, job.attempt, message, failedAt]);
      }
      const delay = backoffDelay(backoffMs, job.attempt);
      log.warn({ jobId: job.id, attempt: job.attempt, retryInMs: delay, error: message }, "job failed; retrying");
      return settleScript(redis, allKeys, [...base, "retry", now() + delay, `${job.attempt + 1}:${json}`]);
    };

    const dispatch = (entryId: string, fields: string[], attempt: number) => {
      if (inFlight.has(entryId)) return;
      const parsed = parseJob(queue, fields, attempt);
      if (!parsed) {
        // Nothing a retry could fix; drop it rather than wedge the group on it forever.
        log.error({ entryId }, "malformed queue entry dropped");
        void settleScript(
          redis,
          [keys.stream, keys.delayed, keys.dead],
          [REDIS_QUEUE_GROUP, consumerName, entryId, "ack"],
        ).catch(() => {});
        return;
      }
      const { job, json } = parsed;
      inFlight.add(entryId);
      Promise.resolve()
        .then(() => handler(job as Job<T>))
        .then(
          () => undefined,
          (error: unknown) => error ?? new Error("handler rejected"),
        )
        .then((error) => settle(entryId, json, job, error))
        .catch((error: unknown) => {
          // The entry stays pending and is re-claimed after visibilityTimeoutMs: at-least-once.
          log.error({ jobId: job.id, error: errorMessage(error) }, "could not settle job");
        })
        .finally(() => {
          inFlight.delete(entryId);
          for (const done of [...idle]) {
            idle.delete(done);
            done();
          }
          poke();
        });
    };

    const reclaim = async (count: number) => {
      const [next, entries] = (await redis.xautoclaim(
        keys.stream,
        REDIS_QUEUE_GROUP,
        consumerName,
        visibilityTimeoutMs,
        reclaimCursor,
        "COUNT",
        count,
      )) as [string, (StreamEntry | null)[]];
      reclaimCursor = next;
      for (const entry of entries) {
        if (!entry) continue;
        const [entryId, fields] = entry;
        // The delivery counter says how often this entry was handed out; each hand-out to a
        // consumer that then died counts as an attempt, so a job that crashes its process
        // ends in the dead letters instead of crashing every process in turn.
        const pending = (await redis.xpending(keys.stream, REDIS_QUEUE_GROUP, entryId, entryId, 1)) as [
          string,
          string,
          number,
          number,
        ][];
        const deliveries = pending[0]?.[3] ?? 1;
        const attempt = Number(field(fields, "attempt") ?? 1) + deliveries - 1;
        log.warn({ entryId, attempt }, "re-claimed a job a dead consumer left pending");
        if (attempt > maxAttempts) {
          const parsed = parseJob(queue, fields, attempt - 1);
          if (parsed) await settle(entryId, parsed.json, parsed.job, new Error("consumer died while handling the job"));
          continue;
        }
        dispatch(entryId, fields, attempt);
      }
    };

    const loop = async () => {
      let groupReady = false;
      let failures = 0;
      while (running) {
        try {
          if (!groupReady) {
            await ensureGroup(keys.stream);
            groupReady = true;
          }
          await moveDueScript(redis, [keys.delayed, keys.stream], [now(), 100]);
          if (inFlight.size >= concurrency) {
            await pause(pollMs);
            continue;
          }
          if (Date.now() - lastReclaimAt >= reclaimEveryMs) {
            lastReclaimAt = Date.now();
            await reclaim(concurrency - inFlight.size);
            if (inFlight.size >= concurrency) continue;
          }
          const result = (await blocking.xreadgroup(
            "GROUP",
            REDIS_QUEUE_GROUP,
            consumerName,
            "COUNT",
            concurrency - inFlight.size,
            "BLOCK",
            pollMs,
            "STREAMS",
            keys.stream,
            ">",
          )) as [string, StreamEntry[]][] | null;
          // Entries read here belong to this consumer now, even if stop() was called meanwhile.
          for (const [, entries] of result ?? []) {
            for (const [entryId, fields] of entries) dispatch(entryId, fields, Number(field(fields, "attempt") ?? 1));
          }
          failures = 0;
        } catch (error) {
          if (!running) break;
          // The stream (and its group) can vanish, e.g. after a FLUSHDB: recreate on NOGROUP.
          if (errorMessage(error).includes("NOGROUP")) groupReady = false;
          failures++;
          const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
          log.warn({ error: errorMessage(error), retryInMs: delay }, "queue consumer loop failed; retrying");
          await pause(delay);
        }
      }
    };

    const heartbeat = setInterval(
      () => {
        if (inFlight.size === 0) return;
        heartbeatScript(redis, [keys.stream], [REDIS_QUEUE_GROUP, consumerName, ...inFlight]).catch((error: unknown) =>
          log.warn({ error: errorMessage(error) }, "could not extend job leases"),
        );
      },
      Math.max(10, Math.floor(visibilityTimeoutMs / 3)),
    );
    heartbeat.unref();

    const loopDone = loop().catch((error: unknown) =>
      log.error({ error: errorMessage(error) }, "queue consumer stopped"),
    );

    let stopping: Promise<void> | null = null;
    const consumer: Consumer = {
      stop() {
        stopping ??= (async () => {
          running = false;
          poke();
          // A blocked XREADGROUP returns within pollMs; if Redis is gone it may not, so cut it off.
          const finished = await Promise.race([loopDone.then(() => true), sleep(pollMs + 1000).then(() => false)]);
          if (!finished) blocking.disconnect();
          await loopDone;
          while (inFlight.size > 0) await new Promise<void>((resolve) => idle.add(resolve));
          clearInterval(heartbeat);
          await closeRedis(blocking);
          consumers.delete(consumer);
        })();
        return stopping;
      },
    };
    consumers.add(consumer);
    return consumer;
  };

  return {
    kind: "redis",
    async enqueue(queue, payload, enqueueOptions = {}) {
      const keys = redisQueueKeys(prefix, queue);
      const id = enqueueOptions.id ?? randomUUID();
      const json = JSON.stringify({ id, payload: payload ?? null, enqueuedAt: clock().toISOString() });
      const delayMs = enqueueOptions.delayMs ?? 0;
      if (delayMs > 0) await redis.zadd(keys.delayed, now() + delayMs, `1:${json}`);
      else await redis.xadd(keys.stream, "*", "job", json, "attempt", "1");
      return id;
    },
    consume,
    async depth(queue) {
      const keys = redisQueueKeys(prefix, queue);
      const [waiting, delayed] = await Promise.all([redis.xlen(keys.stream), redis.zcard(keys.delayed)]);
      return waiting + delayed;
    },
    async deadLetters<T>(queue: string, limit = 100) {
      const entries = (await redis.xrange(
        redisQueueKeys(prefix, queue).dead,
        "-",
        "+",
        "COUNT",
        limit,
      )) as StreamEntry[];
      const letters: DeadLetter<T>[] = [];
      for (const [, fields] of entries) {
        const parsed = parseJob(queue, fields, Number(field(fields, "attempt") ?? 1));
        if (!parsed) continue;
        letters.push({
          job: parsed.job as Job<T>,
          error: field(fields, "error") ?? "",
          failedAt: field(fields, "failedAt") ?? "",
        });
      }
      return letters;
    },
    async requeueDeadLetters(queue) {
      const keys = redisQueueKeys(prefix, queue);
      return Number(await requeueScript(redis, [keys.dead, keys.stream], []));
    },
    async rewriteDeadLetters<T>(queue: string, edit: DeadLetterEdit<T>) {
      const { dead } = redisQueueKeys(prefix, queue);
      // Replacements are appended, so the walk stops at the newest letter present when it began.
      const newest = (await redis.xrevrange(dead, "+", "-", "COUNT", 1)) as StreamEntry[];
      const last = newest[0]?.[0];
      if (last === undefined) return 0;
      let changed = 0;
      let from = "-";
      for (;;) {
        const page = (await redis.xrange(dead, from, last, "COUNT", 200)) as StreamEntry[];
        for (const [entryId, fields] of page) {
          const parsed = parseJob(queue, fields, Number(field(fields, "attempt") ?? 1));
          if (!parsed) continue;
          const letter: DeadLetter<T> = {
            job: parsed.job as Job<T>,
            error: field(fields, "error") ?? "",
            failedAt: field(fields, "failedAt") ?? "",
          };
          const next = edit(letter.job.payload, letter);
          if (next === undefined) continue;
          const stored = JSON.parse(parsed.json) as StoredJob;
          const args =
            next === null
              ? [entryId, parsed.json, "delete", ""]
              : [entryId, parsed.json, "replace", JSON.stringify({ ...stored, payload: next })];
          changed += Number(await rewriteLetterScript(redis, [dead], args));
        }
        if (page.length < 200) break;
        from = `(${page[page.length - 1]![0]}`;
      }
      if (changed > 0) await compactScript(redis, [dead], []);
      return changed;
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      if (owned) await closeRedis(redis);
    },
  };
}
