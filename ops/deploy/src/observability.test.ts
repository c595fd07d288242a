import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { metricsRegistry } from "@varai/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { analyse } from "./promql.ts";
import { deployDir, repoRoot } from "./render.ts";

/** Labels Prometheus adds to every scraped series (Kubernetes service discovery), on top of the metric's own. */
const TARGET_LABELS = ["namespace", "pod", "job", "instance", "container"];

/**
 * Every series the processes export, with its labels: the runtime's registry (the one `/metrics`
 * serves), histograms expanded into _bucket (with `le`), _sum and _count.
 */
function exportedSeries(): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const metric of metricsRegistry.getMetricsAsArray() as unknown as Array<{
    name: string;
    type: string;
    labelNames: string[];
  }>) {
    const labels = new Set([...metric.labelNames, ...TARGET_LABELS]);
    if (metric.type === "histogram") {
      series.set(`${metric.name}_bucket`, new Set([...labels, "le"]));
      series.set(`${metric.name}_sum`, labels);
      series.set(`${metric.name}_count`, labels);
    } else series.set(metric.name, labels);
  }
  return series;
}

/** Problems of one expression: syntax errors, unknown metrics, labels the metric does not carry. */
function expressionProblems(expr: string, series: Map<string, Set<string>>): string[] {
  const { selectors, grouping, errors } = analyse(expr);
  const problems = errors.map((at) => `syntax error at ${at}`);
  if (selectors.length === 0) problems.push("selects no metric");
  for (const { metric, labels } of selectors) {
    const known = series.get(metric);
    if (!known) {
      problems.push(`unknown metric ${metric}`);
      continue;
    }
    for (const label of labels) if (!known.has(label)) problems.push(`${metric} has no label ${label}`);
  }
  const everyLabel = new Set(selectors.flatMap(({ metric }) => [...(series.get(metric) ?? [])]));
  for (const label of grouping)
    if (!everyLabel.has(label)) problems.push(`grouped by ${label}, which no selected metric has`);
  return problems;
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; runbook?: string };
}

const rules = (
  parse(readFileSync(path.join(deployDir, "observability/alerts.yaml"), "utf8")) as {
    groups: Array<{ name: string; rules: Rule[] }>;
  }
).groups.flatMap((g) => g.rules);

const dashboard = JSON.parse(readFileSync(path.join(deployDir, "observability/grafana-dashboard.json"), "utf8")) as {
  uid: string;
  panels: Array<{ id: number; title: string; targets: Array<{ expr: string }> }>;
};

describe("Prometheus alert rules", () => {
  const series = exportedSeries();

  it("cover the SLOs: webhook ack p99, queue lag, error rate, model latency", () => {
    const exprs = rules.map((r) => r.expr).join("\n");
    expect(exprs).toContain('varai_http_request_duration_seconds_bucket{route="/webhooks/*"}');
    expect(exprs).toContain("varai_queue_lag_seconds_bucket");
    expect(exprs).toContain('varai_http_requests_total{status=~"5.."}');
    expect(exprs).toContain("varai_model_latency_seconds_bucket");
  });

  for (const rule of rules) {
    it(`${rule.alert}: parses, and selects only metrics and labels the processes export`, () => {
      expect(expressionProblems(rule.expr, series)).toEqual([]);
      expect(rule.labels.severity).toMatch(/^(page|ticket)$/);
      expect(rule.annotations.summary).toBeTruthy();
      if (rule.annotations.runbook) expect(existsSync(path.join(repoRoot, rule.annotations.runbook))).toBe(true);
    });
  }

  it("the check can fail: an unknown metric, a wrong label, a syntax error", () => {
    expect(expressionProblems("rate(varai_no_such_metric[5m]) > 1", series)).toEqual([
      "unknown metric varai_no_such_metric",
    ]);
    expect(expressionProblems('sum by (tenant) (rate(varai_tryons_total{tenant="t"}[5m]))', series)).toEqual([
      "varai_tryons_total has no label tenant",
      "grouped by tenant, which no selected metric has",
    ]);
    expect(expressionProblems("sum(rate(varai_tryons_total[5m]) >", series)[0]).toMatch(/^syntax error/);
  });
});

describe("Grafana dashboard", () => {
  const series = exportedSeries();

  it("is a dashboard with unique panel ids", () => {
    expect(dashboard.uid).toBe("varai-overview");
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows every metric the issue lists", () => {
    const used = new Set(
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => analyse(t.expr).selectors.map((s) => s.metric))),
    );
    for (const metric of [
      "varai_http_requests_total",
      "varai_http_request_duration_seconds_bucket",
      "varai_queue_depth",
      "varai_queue_lag_seconds_bucket",
      "varai_queue_dead_letters",
      "varai_sync_last_success_timestamp_seconds",
      "varai_webhook_deliveries_total",
      "varai_model_latency_seconds_bucket",
      "varai_tryons_total",
    ])
      expect(used).toContain(metric);
  });

  for (const panel of dashboard.panels) {
    it(`panel "${panel.title}": every query selects exported metrics and labels`, () => {
      // Grafana variables are substituted before Prometheus sees the query.
      const problems = panel.targets.flatMap((t) => expressionProblems(t.expr.replaceAll("$namespace", ".*"), series));
      expect(problems).toEqual([]);
    });
  }
});
