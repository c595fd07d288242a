import { validate } from "dockerfile-utils";

/** LSP DiagnosticSeverity.Error. */
const ERROR = 1;

export interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

/** The base image every stage builds on: Node 24 slim, pinned to a full version. */
const NODE_24_SLIM = /^node:24\.\d+\.\d+-[a-z]+-slim(\s+AS\s+\S+)?$/i;

/**
 * Lint (dockerfile-utils, the linter of the Docker language server: syntax, instruction
 * and flag errors, as errors and warnings) plus the project's rules: multi-stage, every
 * stage on Node 24 slim, the final stage as a numeric non-root user, a HEALTHCHECK, an
 * exec-form CMD, and (for images that run face analysis) the face models checked into the
 * image at build time.
 */
export function dockerfileProblems(text: string, options: { faceModels: boolean } = { faceModels: true }): string[] {
  const problems = validate(text).map(
    (d) => `line ${d.range.start.line + 1}: ${d.message} (${d.severity === ERROR ? "error" : "warning"})`,
  );
  const steps = instructions(text);
  const froms = steps.filter((s) => s.keyword === "FROM");
  if (froms.length < 2) problems.push("not multi-stage");
  for (const from of froms)
    if (!NODE_24_SLIM.test(from.args)) problems.push(`FROM ${from.args}: not a pinned node:24.x.y-*-slim image`);
  const finalStage = steps.slice(steps.lastIndexOf(froms.at(-1)!));
  const user = finalStage.filter((s) => s.keyword === "USER").at(-1)?.args;
  if (!user || !/^[1-9]\d*(:[1-9]\d*)?$/.test(user))
    problems.push(`final stage USER ${user ?? "(none)"}: not numeric non-root`);
  if (!finalStage.some((s) => s.keyword === "HEALTHCHECK")) problems.push("no HEALTHCHECK");
  const cmd = finalStage.find((s) => s.keyword === "CMD");
  if (!cmd?.args.startsWith("[")) problems.push("CMD is not in exec form (signals must reach node)");
  if (steps.some((s) => s.keyword === "ADD")) problems.push("ADD: use COPY");
  if (options.faceModels && !/models\/blazeface\.json/.test(text))
    problems.push("the face models are not checked into the image");
  return problems;
}
