import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileProblems } from "./dockerfile-rules.ts";
import { repoRoot } from "./render.ts";

/** Every deployable keeps its Dockerfile beside it (build context: the repository root). */
const dockerfiles = readdirSync(path.join(repoRoot, "services"))
  .map((name) => path.join("services", name, "Dockerfile"))
  .filter((file) => existsSync(path.join(repoRoot, file)));

describe("Dockerfiles", () => {
  it("exist for the gateway and ml-datadriven-recos", () => {
    expect(dockerfiles).toEqual(["services/gateway/Dockerfile", "services/recommendations/Dockerfile"]);
  });

  for (const file of dockerfiles) {
    // The gateway runs face analysis in-process; the recommendation service has no face model.
    const faceModels = file === "services/gateway/Dockerfile";
    it(`${file} lints clean and keeps the image rules`, () => {
      expect(dockerfileProblems(readFileSync(path.join(repoRoot, file), "utf8"), { faceModels })).toEqual([]);
    });
  }

  it("the lint and the rules can fail", () => {
    const bad = [
      "FROM node:latest",
      "RUN apt-get update",
      "ADD https://example.com/x /x",
      'CMD "node"',
      "EXPOSE abc",
    ].join("\n");
    const problems = dockerfileProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        "not multi-stage",
        "FROM node:latest: not a pinned node:24.x.y-*-slim image",
        "final stage USER (none): not numeric non-root",
        "no HEALTHCHECK",
        "ADD: use COPY",
        "the face models are not checked into the image",
      ]),
    );
    expect(problems.some((p) => p.includes("(error)"))).toBe(true);
  });

  it(".dockerignore keeps node_modules, data, keys and the git history out of the context", () => {
    const ignore = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8").split("\n");
    expect(ignore).toEqual(expect.arrayContaining(["**/node_modules", ".git", "**/data", ".env", "**/.env"]));
  });
});
