/**
 * The metrics as Prometheus text, without a collector or a server: an
 * OpenTelemetry SDK MeterProvider whose reader is the SDK's PrometheusExporter
 * (server not started), serialized on demand by its PrometheusSerializer.
 *
 *   import { PrometheusMetrics } from '@mobile-mm/telemetry/prometheus';
 *   const prom = new PrometheusMetrics();
 *   const telemetry = new ModelTelemetry({ meterProvider: prom.meterProvider });
 *   ...
 *   console.log(await prom.text());   // gen_ai_client_operation_duration_seconds_bucket{...} 3
 *
 * Node only (the exporter imports node:http); a separate entry point so the
 * main one stays browser-safe.
 */
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export interface PrometheusMetricsOptions {
  /** service.name on target_info. Default "mobile-mm". */
  serviceName?: string;
  /** Leave out the otel_scope_* labels. Default false. */
  withoutScopeInfo?: boolean;
  /** Leave out the target_info metric (the resource). Default false. */
  withoutTargetInfo?: boolean;
}

export class PrometheusMetrics {
  /** Pass to ModelTelemetry (or any OpenTelemetry instrumentation). */
  readonly meterProvider: MeterProvider;
  private readonly exporter: PrometheusExporter;
  private readonly serializer: PrometheusSerializer;

  constructor(options: PrometheusMetricsOptions = {}) {
    this.exporter = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: options.withoutScopeInfo ?? false,
      withoutTargetInfo: options.withoutTargetInfo ?? false,
    });
    this.serializer = new PrometheusSerializer(undefined, false, undefined, options.withoutTargetInfo ?? false, options.withoutScopeInfo ?? false);
    this.meterProvider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'mobile-mm' }),
      readers: [this.exporter],
    });
  }

  /** Every metric so far, in the Prometheus text exposition format (cumulative). */
  async text(): Promise<string> {
    const { resourceMetrics } = await this.exporter.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  async shutdown(): Promise<void> {
    await this.meterProvider.shutdown();
  }
}
