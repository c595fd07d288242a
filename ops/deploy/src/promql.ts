import { parser } from "@prometheus-io/lezer-promql";

/** One series selector of an expression: the metric and the labels it matches on or groups by. */
export interface Selector {
  metric: string;
  labels: string[];
}

/**
 * Parses a PromQL expression with Prometheus' own grammar (@prometheus-io/lezer-promql, the
 * parser of the Prometheus UI) and returns its series selectors and the labels named in
 * `by (...)` / `without (...)`, or the syntax errors' positions.
 */
export function analyse(expr: string): { selectors: Selector[]; grouping: string[]; errors: number[] } {
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const errors: number[] = [];
  let current: Selector | null = null;
  parser.parse(expr).iterate({
    enter(node) {
      const text = expr.slice(node.from, node.to);
      if (node.type.isError) errors.push(node.from);
      else if (node.name === "VectorSelector") current = { metric: "", labels: [] };
      else if (node.name === "Identifier" && current && current.metric === "") current.metric = text;
      else if (node.name === "LabelName" && current) current.labels.push(text);
      else if (node.name === "LabelName" && node.node.parent?.name === "GroupingLabels") grouping.push(text);
    },
    leave(node) {
      if (node.name === "VectorSelector" && current) {
        selectors.push(current);
        current = null;
      }
    },
  });
  return { selectors, grouping, errors };
}
