export { httpMetrics, recordRawRoute } from "./http-metrics.ts";
export { traceRawRoute, traceRequests } from "./http-tracing.ts";
export { metrics, metricsRegistry, renderMetrics, timeModel } from "./metrics.ts";
export { instrumentQueue } from "./queue-metrics.ts";
export {
  endSpan,
  extractContext,
  injectContext,
  SpanKind,
  startTracing,
  type TracingOptions,
  tracer,
  tracingEnabled,
} from "./tracing.ts";
