import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { describeFault, installProcessGuard } from "./process-guard.ts";

function captureLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: "error", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

describe("installProcessGuard", () => {
  it("logs and counts each uncaught exception and unhandled rejection until uninstalled", () => {
    const target = new EventEmitter();
    const { logger, lines } = captureLogger();
    const seen: string[] = [];
    const guard = installProcessGuard({ logger, target, onFault: (fault) => seen.push(fault) });
    target.emit("uncaughtException", new Error("Unexpected end of form"));
    target.emit("unhandledRejection", new TypeError("boom"));
    target.emit("unhandledRejection", "a string reason");
    expect(guard.counts()).toEqual({ uncaughtException: 1, unhandledRejection: 2 });
    expect(seen).toEqual(["uncaughtException", "unhandledRejection", "unhandledRejection"]);
    const first = JSON.parse(lines[0] ?? "{}");
    expect(first).toMatchObject({
      msg: "process fault: uncaughtException",
      fault: "uncaughtException",
      count: 1,
      err: { name: "Error", message: "Unexpected end of form" },
    });
    expect(JSON.parse(lines[2] ?? "{}")).toMatchObject({ count: 2, err: { name: "string" } });
    guard.uninstall();
    expect(target.listenerCount("uncaughtException")).toBe(0);
    expect(target.listenerCount("unhandledRejection")).toBe(0);
  });

  it("logs no request body, header or long message carried by the error", () => {
    const error = Object.assign(new SyntaxError(`Unexpected token in "${"p".repeat(500)}"`), {
      body: '{"password":"hunter2-hunter2"}',
      type: "entity.parse.failed",
      headers: { authorization: "Bearer abc.def.ghi" },
      code: "E_PARSE",
    });
    const described = describeFault(error);
    expect(Object.keys(described).sort()).toEqual(["code", "frames", "message", "name"]);
    expect(String(described.message).length).toBe(200);
    const text = JSON.stringify(described);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("abc.def.ghi");
    expect((described.frames as string[]).every((frame) => frame.startsWith("at "))).toBe(true);
  });
});
