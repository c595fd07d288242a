import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus registry, served at `/metrics` by every VARAi process. One per
 * process (prom-client metrics are process-wide): services record into `metrics` below and
 * never build registries of their own. Labels carry route templates, queue names, platforms
 * and connection ids: never tenant data, shopper ids or secrets.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

/** Seconds; from a 2 ms webhook ack to a 10 s sync page. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  httpRequests: new Counter({
    name: "varai_http_requests_total",
    help: "HTTP requests served, by route template and status code",
    labelNames: ["method", "route", "status"] as const,
    registers,
  }),
  httpDuration: new Histogram({
    name: "varai_http_request_duration_seconds",
    help: "Time from request to response end, by route template",
    labelNames: ["method", "route", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  }),
  queueJobs: new Counter({
    name: "varai_queue_jobs_total",
    help: "Queue jobs by outcome: enqueued, done, failed (retried) or dead (dead-lettered)",
    labelNames: ["queue", "outcome"] as const,
    registers,
  }),
  queueLag: new Histogram({
    name: "varai_queue_lag_seconds",
    help: "Time from enqueue to the start of a delivery",
    labelNames: ["queue"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers,
  }),
  webhookDeliveries: new Counter({
    name: "varai_webhook_deliveries_total",
    help: "Platform webhook deliveries by outcome: accepted and duplicate are acked (2xx); rejected_signature and malformed are refused",
    labelNames: ["outcome"] as const,
    registers,
  }),
  syncRuns: new Counter({
    name: "varai_sync_runs_total",
    help: "Catalog sync runs finished, by mode and status",
    labelNames: ["mode", "status"] as const,
    registers,
  }),
  syncLastSuccess: new Gauge({
    name: "varai_sync_last_success_timestamp_seconds",
    help: "Unix time of the last successful sync run of a connection; sync lag = time() - this",
    labelNames: ["connection"] as const,
    registers,
  }),
  modelLatency: new Histogram({
    name: "varai_model_latency_seconds",
    help: "Model inference time: face analysis (landmarks, iris) and recommendation ranking",
    labelNames: ["model"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers,
  }),
  tryOns: new Counter({
    name: "varai_tryons_total",
    help: "Try-ons by outcome (ok or the error code) and output (image or json)",
    labelNames: ["outcome", "output"] as const,
    registers,
  }),
};

/** Times `run` into the model latency histogram (errors too: a slow failure is still slow). */
export async function timeModel<T>(model: string, run: () => Promise<T>): Promise<T> {
  const end = metrics.modelLatency.startTimer({ model });
  try {
    return await run();
  } finally {
    end();
  }
}

/** The Prometheus text exposition of this process's metrics. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
