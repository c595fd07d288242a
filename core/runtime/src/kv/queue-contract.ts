import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Job, Queue } from "../ports/queue.ts";

export interface QueueContractHarness {
  /** A fresh queue; tests use their own queue names, so sharing a backend is fine. */
  create(): Promise<Queue> | Queue;
  /**
   * Plays a consumer that takes the next job of `queue` and dies without acknowledging it.
   * Returns the job id it took. Only backends shared between processes have such a consumer
   * (an in-process queue dies with its process), so only they provide it.
   */
  abandonNextJob?(queue: string): Promise<string>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await wait(10);
  }
}

export function describeQueueContract(name: string, harness: QueueContractHarness): void {
  describe(`Queue contract: ${name}`, () => {
    let queue: Queue;
    let q: string;
    beforeEach(async () => {
      queue = await harness.create();
      q = `jobs-${randomUUID().slice(0, 8)}`;
    });
    afterEach(async () => {
      await queue.close();
    });

    it("delivers every job once with its payload, id, first attempt and enqueue time", async () => {
      const seen: Job<{ n: number }>[] = [];
      const ids = [];
      for (let n = 0; n < 5; n++) ids.push(await queue.enqueue(q, { n }));
      const given = await queue.enqueue(q, { n: 5 }, { id: "sync:store-1:42" });
      const consumer = queue.consume<{ n: number }>(q, async (job) => {
        seen.push(job);
      });
      await waitFor(() => seen.length === 6);
      await wait(100);
      await consumer.stop();
      expect(seen).toHaveLength(6);
      expect(seen.map((job) => job.payload.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(new Set(seen.map((job) => job.id))).toEqual(new Set([...ids, given]));
      expect(given).toBe("sync:store-1:42");
      for (const job of seen) {
        expect(job).toMatchObject({ queue: q, attempt: 1 });
        expect(Number.isNaN(Date.parse(job.enqueuedAt))).toBe(false);
      }
      expect(await queue.depth(q)).toBe(0);
    });

    it("runs up to `concurrency` handlers at once and never more", async () => {
      let active = 0;
      let peak = 0;
      let done = 0;
      for (let n = 0; n < 8; n++) await queue.enqueue(q, { n });
      const consumer = queue.consume(
        q,
        async () => {
          active++;
          peak = Math.max(peak, active);
          await wait(80);
          active--;
          done++;
        },
        { concurrency: 3 },
      );
      await waitFor(() => done === 8);
      await consumer.stop();
      expect(peak).toBe(3);
    });

    it("retries a failing job with exponential backoff until it succeeds", async () => {
      const attempts: { attempt: number; at: number }[] = [];
      await queue.enqueue(q, { flaky: true });
      const consumer = queue.consume(
        q,
        async (job) => {
          attempts.push({ attempt: job.attempt, at: Date.now() });
          if (job.attempt < 3) throw new Error(`fail ${job.attempt}`);
        },
        { backoffMs: 100, maxAttempts: 5 },
      );
      await waitFor(() => attempts.length === 3);
      await wait(50);
      await consumer.stop();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      // Attempt 1 failed -> wait 100 ms; attempt 2 failed -> wait 200 ms (a few ms of timer slack).
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(95);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(195);
      expect(await queue.deadLetters(q)).toEqual([]);
      expect(await queue.depth(q)).toBe(0);
    });

    it("dead-letters a job after maxAttempts with the last error, and requeues it with attempts reset", async () => {
      let calls = 0;
      const id = await queue.enqueue(q, { poison: 1 });
      const failing = queue.consume(
        q,
        async () => {
          calls++;
          throw new Error("upstream said no");
        },
        { maxAttempts: 3, backoffMs: 20 },
      );
      await waitFor(async () => (await queue.deadLetters(q)).length === 1);
      await wait(100);
      await failing.stop();
      expect(calls).toBe(3);
      const [letter] = await queue.deadLetters<{ poison: number }>(q);
      expect(letter!.job).toMatchObject({ id, queue: q, payload: { poison: 1 }, attempt: 3 });
      expect(letter!.error).toBe("upstream said no");
      expect(Number.isNaN(Date.parse(letter!.failedAt))).toBe(false);
      expect(await queue.depth(q)).toBe(0);

      expect(await queue.requeueDeadLetters(q)).toBe(1);
      expect(await queue.deadLetters(q)).toEqual([]);
      expect(await queue.requeueDeadLetters(q)).toBe(0);
      const redelivered: Job[] = [];
      const fixed = queue.consume(q, async (job) => {
        redelivered.push(job);
      });
      await waitFor(() => redelivered.length === 1);
      await fixed.stop();
      expect(redelivered[0]).toMatchObject({ id, payload: { poison: 1 }, attempt: 1 });
    });

    /** Dead-letters one job per payload (maxAttempts 1) and waits until all are in. */
    async function deadLetterAll(payloads: object[]): Promise<string[]> {
      const ids = [];
      for (const payload of payloads) ids.push(await queue.enqueue(q, payload));
      const failing = queue.consume(
        q,
        async () => {
          throw new Error("always fails");
        },
        { maxAttempts: 1 },
      );
      await waitFor(async () => (await queue.deadLetters(q)).length === payloads.length);
      await failing.stop();
      return ids;
    }

    it("rewrites dead letters: keeps, replaces or deletes each as the edit says, and counts the changes", async () => {
      type Batch = { owner: string; events: string[] };
      const [keepId, editId] = await deadLetterAll([
        { owner: "keep", events: ["a"] },
        { owner: "edit", events: ["a", "secret"] },
        { owner: "drop", events: ["secret"] },
      ]);
      const seen: string[] = [];
      const changed = await queue.rewriteDeadLetters<Batch>(q, (payload, letter) => {
        seen.push(letter.job.id);
        if (payload.owner === "keep") return undefined;
        const events = payload.events.filter((e) => e !== "secret");
        return events.length === 0 ? null : { ...payload, events };
      });
      expect(changed).toBe(2);
      expect(seen).toHaveLength(3);
      const letters = await queue.deadLetters<Batch>(q);
      expect(letters.map((l) => l.job.payload).sort((a, b) => a.owner.localeCompare(b.owner))).toEqual([
        { owner: "edit", events: ["a"] },
        { owner: "keep", events: ["a"] },
      ]);
      // A replaced letter keeps its job id, attempt and error; only the payload changes.
      const edited = letters.find((l) => l.job.id === editId)!;
      expect(edited.job).toMatchObject({ id: editId, queue: q, attempt: 1 });
      expect(edited.error).toBe("always fails");
      expect(letters.find((l) => l.job.id === keepId)).toBeDefined();
      expect(JSON.stringify(letters)).not.toContain("secret");
      // Nothing left to change: a second walk changes nothing and visits each letter once.
      seen.length = 0;
      expect(await queue.rewriteDeadLetters<Batch>(q, (p) => (p.events.includes("secret") ? null : undefined))).toBe(0);
      expect(seen).toEqual([]);
      expect(await queue.rewriteDeadLetters(`${q}-empty`, () => null)).toBe(0);
    });

    it("requeues a rewritten dead letter with its new payload", async () => {
      const [id] = await deadLetterAll([{ events: ["a", "secret"] }]);
      expect(await queue.rewriteDeadLetters<{ events: string[] }>(q, () => ({ events: ["a"] }))).toBe(1);
      expect(await queue.requeueDeadLetters(q)).toBe(1);
      const redelivered: Job[] = [];
      const consumer = queue.consume(q, async (job) => {
        redelivered.push(job);
      });
      await waitFor(() => redelivered.length === 1);
      await consumer.stop();
      expect(redelivered[0]).toMatchObject({ id, payload: { events: ["a"] }, attempt: 1 });
    });

    it("holds a delayed job back until its delay has passed, counting it in depth meanwhile", async () => {
      const enqueuedAt = Date.now();
      let deliveredAt = 0;
      await queue.enqueue(q, { later: true }, { delayMs: 300 });
      expect(await queue.depth(q)).toBe(1);
      const consumer = queue.consume(q, async () => {
        deliveredAt = Date.now();
      });
      await wait(150);
      expect(deliveredAt).toBe(0);
      await waitFor(() => deliveredAt > 0);
      await consumer.stop();
      expect(deliveredAt - enqueuedAt).toBeGreaterThanOrEqual(295);
      expect(await queue.depth(q)).toBe(0);
    });

    if (harness.abandonNextJob) {
      const abandon = harness.abandonNextJob;
      it("hands a job whose consumer died mid-handling to another consumer after the visibility timeout", async () => {
        const id = await queue.enqueue(q, { orphan: true });
        expect(await abandon(q)).toBe(id);
        expect(await queue.depth(q)).toBe(1);
        const abandonedAt = Date.now();
        const seen: { job: Job; at: number }[] = [];
        const survivor = queue.consume(
          q,
          async (job) => {
            seen.push({ job, at: Date.now() });
          },
          { visibilityTimeoutMs: 300 },
        );
        await waitFor(() => seen.length === 1);
        await survivor.stop();
        expect(seen[0]!.job).toMatchObject({ id, payload: { orphan: true }, attempt: 2 });
        expect(seen[0]!.at - abandonedAt).toBeGreaterThanOrEqual(295);
        expect(await queue.depth(q)).toBe(0);
      });
    }

    it("never lets two consumers handle one job at once, even when a handler outlives the visibility timeout", async () => {
      const active = new Set<string>();
      const handled: string[] = [];
      const overlaps: string[] = [];
      const handler = async (job: Job) => {
        if (active.has(job.id)) overlaps.push(job.id);
        active.add(job.id);
        await wait(400);
        active.delete(job.id);
        handled.push(job.id);
      };
      for (let n = 0; n < 6; n++) await queue.enqueue(q, { n });
      const options = { concurrency: 2, visibilityTimeoutMs: 150 };
      const a = queue.consume(q, handler, { ...options, consumerName: "a" });
      const b = queue.consume(q, handler, { ...options, consumerName: "b" });
      await waitFor(() => handled.length >= 6);
      await wait(300);
      await Promise.all([a.stop(), b.stop()]);
      expect(overlaps).toEqual([]);
      expect(handled).toHaveLength(6);
      expect(new Set(handled).size).toBe(6);
      expect(await queue.depth(q)).toBe(0);
    });

    it("waits for in-flight handlers on stop and takes no new job afterwards", async () => {
      let started = 0;
      let finished = 0;
      await queue.enqueue(q, { n: 1 });
      const consumer = queue.consume(q, async () => {
        started++;
        await wait(200);
        finished++;
      });
      await waitFor(() => started === 1);
      await consumer.stop();
      expect(finished).toBe(1);
      await queue.enqueue(q, { n: 2 });
      await wait(150);
      expect(started).toBe(1);
      expect(await queue.depth(q)).toBe(1);
    });

    it("counts waiting, in-flight and delayed jobs in depth", async () => {
      expect(await queue.depth(q)).toBe(0);
      for (let n = 0; n < 3; n++) await queue.enqueue(q, { n });
      await queue.enqueue(q, { n: 3 }, { delayMs: 60_000 });
      expect(await queue.depth(q)).toBe(4);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = 0;
      let finished = 0;
      const consumer = queue.consume(
        q,
        async () => {
          started++;
          await gate;
          finished++;
        },
        { concurrency: 2 },
      );
      await waitFor(() => started === 2);
      expect(await queue.depth(q)).toBe(4);
      release();
      await waitFor(() => finished === 3);
      await consumer.stop();
      expect(await queue.depth(q)).toBe(1);
      expect(await queue.depth(`${q}-other`)).toBe(0);
    });

    it("answers ping", async () => {
      await expect(queue.ping()).resolves.toBeUndefined();
    });
  });
}
