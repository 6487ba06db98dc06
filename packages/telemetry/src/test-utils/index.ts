/**
 * Test wiring: a ModelTelemetry on real SDK providers with the SDK's
 * in-memory exporters, and a scan of everything they exported.
 */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ModelTelemetry, type TelemetryOptions } from '../telemetry.js';

export interface Harness {
  telemetry: ModelTelemetry;
  /** The SDK providers behind it (to register globally, say). */
  providers: { meterProvider: MeterProvider; tracerProvider: BasicTracerProvider };
  spans(): ReadableSpan[];
  /** Cumulative metrics so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Every string an exporter received: span names, attributes, events, status; metric attributes. */
  exportedText(): Promise<string>;
  shutdown(): Promise<void>;
}

export function createHarness(options: Omit<TelemetryOptions, 'meterProvider' | 'tracerProvider'> = {}): Harness {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 1e9 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = new ModelTelemetry({ env: {}, ...options, meterProvider, tracerProvider });
  const metrics = async (): Promise<Map<string, MetricData>> => {
    metricExporter.reset();
    await reader.forceFlush();
    const out = new Map<string, MetricData>();
    for (const rm of metricExporter.getMetrics()) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
    return out;
  };
  return {
    telemetry,
    providers: { meterProvider, tracerProvider },
    spans: () => spanExporter.getFinishedSpans(),
    metrics,
    async exportedText() {
      const spans = spanExporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status }));
      const points = [...(await metrics()).values()].map((m) => ({ name: m.descriptor.name, attributes: m.dataPoints.map((p: DataPoint<unknown>) => p.attributes) }));
      return JSON.stringify({ spans, points });
    },
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

/** The data points of `metric` whose attributes include `match`. */
export function pointsOf(metric: MetricData | undefined, match: Record<string, unknown> = {}): DataPoint<unknown>[] {
  if (!metric) return [];
  return (metric.dataPoints as DataPoint<unknown>[]).filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
}

/** Sum and count of a histogram data point. */
export function histogram(p: DataPoint<unknown> | undefined): { sum: number; count: number } {
  const v = p?.value as { sum?: number; count?: number } | undefined;
  return { sum: v?.sum ?? NaN, count: v?.count ?? 0 };
}
