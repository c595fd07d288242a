import { type Context, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from "@opentelemetry/sdk-trace-node";

/**
 * OpenTelemetry traces with W3C trace context (`traceparent`, `tracestate`): each process
 * continues the trace its caller sent (gateway -> service process over HTTP -> queue job).
 * Off unless started: without a provider the API is a no-op, and nothing is added to requests
 * or jobs. `startTracing` registers the provider once per process: spans go to the OTLP/HTTP
 * endpoint when one is configured (OTEL_EXPORTER_OTLP_ENDPOINT), or to the given processors
 * (tests: an in-memory exporter).
 */

let provider: NodeTracerProvider | null = null;

export const tracer = () => trace.getTracer("varai");

/** Whether this process records spans (so hot paths skip the work when it does not). */
export const tracingEnabled = () => provider !== null;

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (`http://collector:4318`); spans are POSTed to `<url>/v1/traces`. */
  otlpEndpoint?: string | null;
  /** Extra processors (tests). */
  spanProcessors?: SpanProcessor[];
}

/** Starts tracing for this process (idempotent: a second call returns the first provider's handle). */
export function startTracing(options: TracingOptions): { shutdown(): Promise<void> } | null {
  const processors = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint)
    processors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, "")}/v1/traces` })),
    );
  if (processors.length === 0) return null;
  if (!provider) {
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": options.serviceName }),
      spanProcessors: processors,
    });
    // Registers the AsyncLocalStorage context manager and the W3C trace-context propagator.
    provider.register();
  }
  const current = provider;
  return { shutdown: () => current.shutdown() };
}

/** Ends `span` with an error status when `error` is set. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** The trace context carried by `headers` (an incoming request, a job's carrier). */
export const extractContext = (headers: Record<string, unknown>): Context =>
  propagation.extract(context.active(), headers);

/**
 * Adds the trace context to outgoing `headers` (a call to a service, a job's carrier): the
 * active one, or `span` as the parent the receiver continues from.
 */
export function injectContext(headers: Record<string, string>, span?: Span): Record<string, string> {
  propagation.inject(span ? trace.setSpan(context.active(), span) : context.active(), headers);
  return headers;
}

export { context, SpanKind, trace };
