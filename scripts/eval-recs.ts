import { parseArgs } from "node:util";
import { runOfflineEvaluation } from "@varai/recommendations";
import { createTestRuntime } from "@varai/testkit";

const { values } = parseArgs({
  options: {
    products: { type: "string", default: "600" },
    shoppers: { type: "string", default: "3000" },
    seed: { type: "string", default: "1" },
    epochs: { type: "string", default: "8" },
    diversity: { type: "string", default: "0.75" },
    weights: { type: "string" },
  },
});

const deps = createTestRuntime({ clock: () => new Date("2025-03-05T00:00:00Z") });
const started = performance.now();
const report = await runOfflineEvaluation(
  deps,
  {
    tenantId: "ten_eval",
    products: Number(values.products),
    shoppers: Number(values.shoppers),
    seed: Number(values.seed),
    days: 60,
    start: new Date("2025-01-01T00:00:00Z"),
  },
  { epochs: Number(values.epochs), seed: Number(values.seed) },
  {
    diversity: Number(values.diversity),
    ...(values.weights ? { weights: JSON.parse(values.weights) } : {}),
  },
);
const round = (x: number) => Math.round(x * 1000) / 1000;
const table = (m: { ndcgAt10: number; hitRateAt10: number; coverage: number }) => ({
  ndcgAt10: round(m.ndcgAt10),
  hitRateAt10: round(m.hitRateAt10),
  coverage: round(m.coverage),
});
console.log(
  JSON.stringify(
    {
      population: report.population,
      training: report.training,
      popularity: table(report.popularity),
      fitStyleRules: table(report.rules),
      learnedModel: table(report.learned),
      learnedBeatsBoth:
        report.learned.ndcgAt10 > report.popularity.ndcgAt10 &&
        report.learned.ndcgAt10 > report.rules.ndcgAt10 &&
        report.learned.hitRateAt10 > report.popularity.hitRateAt10 &&
        report.learned.hitRateAt10 > report.rules.hitRateAt10,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
    null,
    2,
  ),
);
await deps.close();
