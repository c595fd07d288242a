// A vitest setup file (setupFiles): the suite fails when an uncaught exception or an unhandled
// rejection happens during it, naming the test it happened in. The server logs and survives
// these (runtime's installProcessGuard); in tests each one is a defect to fix.
import { installProcessGuard, noopLogger } from "@varai/runtime";
import { afterAll, afterEach } from "vitest";

const faults: string[] = [];
installProcessGuard({
  logger: noopLogger,
  onFault: (fault, error) => faults.push(`${fault}: ${error instanceof Error ? error.message : String(error)}`),
});

function failOnFaults(when: string): void {
  const seen = faults.splice(0);
  if (seen.length > 0) throw new Error(`${seen.length} process fault(s) ${when}:\n${seen.join("\n")}`);
}

afterEach((context) => failOnFaults(`during "${context.task.name}"`));
afterAll(() => failOnFaults("after the last test of this file"));
