import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecretBox } from "@varai/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateLocalKeys } from "./local-keys.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("loadOrCreateLocalKeys", () => {
  it("creates keys once in a private file and returns the same keys on the next start", async () => {
    dir = await mkdtemp(join(tmpdir(), "varai-keys-"));
    const first = await loadOrCreateLocalKeys({ dir });
    expect(first.created).toBe(true);
    expect((await stat(join(dir, "keys.json"))).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateLocalKeys({ dir });
    expect(second.created).toBe(false);
    expect(second.jwtKeys).toEqual(first.jwtKeys);
    const box = createSecretBox(second.encryptionKeys);
    expect(createSecretBox(first.encryptionKeys).decrypt(box.encrypt("token"))).toBe("token");
  });

  it("refuses a key file that is not ours", async () => {
    dir = await mkdtemp(join(tmpdir(), "varai-keys-"));
    await loadOrCreateLocalKeys({ dir });
    await writeFile(join(dir, "keys.json"), JSON.stringify({ hello: "world" }));
    await expect(loadOrCreateLocalKeys({ dir })).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    expect(await readFile(join(dir, "keys.json"), "utf8")).toContain("hello");
  });
});
