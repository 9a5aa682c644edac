/**
 * An in-memory metric reader on a MeterProvider of the test's own (no global registered, nothing exported):
 * hand `provider` to the code under test, then read what it recorded, as Azure Monitor's exporter would
 * collect it.
 */
import type { Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';

class PullReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** One recorded series: its attributes, and its value (a number, or a histogram's count and sum). */
export interface Point {
  attributes: Attributes;
  value: number | { count: number; sum?: number };
}

export class MetricsProbe {
  private readonly reader = new PullReader();
  readonly provider = new MeterProvider({ readers: [this.reader] });

  /** Collects now (gauges are sampled here) and returns every series of instrument `name`. */
  async points(name: string): Promise<Point[]> {
    return (await this.collect()).get(name) ?? [];
  }

  /** Collects now: every instrument's series, by name. */
  async collect(): Promise<Map<string, Point[]>> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
    const byName = new Map<string, Point[]>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const points = (metric.dataPoints as DataPoint<unknown>[]).map((p) => ({
          attributes: p.attributes,
          value: p.value as Point['value'],
        }));
        byName.set(metric.descriptor.name, [...(byName.get(metric.descriptor.name) ?? []), ...points]);
      }
    }
    return byName;
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The series of `points` whose attributes are exactly `attributes`. */
export function pointWith(points: Point[], attributes: Attributes): Point | undefined {
  return points.find(
    (p) =>
      Object.keys(p.attributes).length === Object.keys(attributes).length &&
      Object.entries(attributes).every(([key, value]) => p.attributes[key] === value),
  );
}
