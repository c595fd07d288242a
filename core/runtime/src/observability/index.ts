export { httpMetrics, recordRawRoute } from "./http-metrics.ts";
export { metrics, metricsRegistry, renderMetrics, timeModel } from "./metrics.ts";
export { instrumentQueue } from "./queue-metrics.ts";
