/** One value handed to a group commit, settled once the flush that carried it is done. */
export interface Pending<T> {
  value: T;
  settle: (error?: unknown) => void;
}

/**
 * Group commit: values handed over while a flush runs gather, and the next flush takes them all
 * at once, so concurrent batches share writes. `flush` settles each value of its group.
 */
export function createGroupCommit<T>(flush: (group: Pending<T>[]) => Promise<void>): (value: T) => Promise<void> {
  let waiting: Pending<T>[] = [];
  let flushing = false;

  async function flushLoop(): Promise<void> {
    flushing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting;
        waiting = [];
        await flush(group);
      }
    } finally {
      flushing = false;
    }
  }

  return (value) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ value, settle: (error) => (error ? reject(error) : resolve()) });
      if (!flushing) void flushLoop();
    });
}
