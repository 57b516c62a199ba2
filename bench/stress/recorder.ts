// What the stress run measures, in one-second buckets of wall time: events accepted by the log,
// routing decisions observed, latency samples per stage, consumer lag per group, errors.

export interface Series {
  readonly t: number[];
  readonly values: number[];
}

export class Recorder {
  readonly startedAt: number;
  private readonly counters = new Map<string, Map<number, number>>();
  private readonly latencies = new Map<string, { at: number; ms: number }[]>();
  readonly lag = new Map<string, Series>();

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  private second(at: number): number {
    return Math.floor((at - this.startedAt) / 1000);
  }

  count(name: string, at: number, n = 1): void {
    let series = this.counters.get(name);
    if (!series) this.counters.set(name, (series = new Map()));
    const s = this.second(at);
    series.set(s, (series.get(s) ?? 0) + n);
  }

  latency(stage: string, at: number, ms: number): void {
    let samples = this.latencies.get(stage);
    if (!samples) this.latencies.set(stage, (samples = []));
    samples.push({ at: this.second(at), ms });
  }

  lagSample(group: string, at: number, lag: number): void {
    let series = this.lag.get(group);
    if (!series) this.lag.set(group, (series = { t: [], values: [] }));
    series.t.push((at - this.startedAt) / 1000);
    series.values.push(lag);
  }

  total(name: string): number {
    let sum = 0;
    for (const n of this.counters.get(name)?.values() ?? []) sum += n;
    return sum;
  }

  /** Per-second counts from second `from` to `to` (exclusive). */
  perSecond(name: string, from: number, to: number): Series {
    const series = this.counters.get(name);
    const t: number[] = [];
    const values: number[] = [];
    for (let s = from; s < to; s++) {
      t.push(s);
      values.push(series?.get(s) ?? 0);
    }
    return { t, values };
  }

  stages(): string[] {
    return [...this.latencies.keys()];
  }

  /** p50/p99 over the samples taken in seconds [from, to). */
  percentiles(stage: string, from = 0, to = Number.POSITIVE_INFINITY): { n: number; p50Ms: number; p99Ms: number; maxMs: number } {
    const values = (this.latencies.get(stage) ?? []).filter((s) => s.at >= from && s.at < to).map((s) => s.ms).sort((a, b) => a - b);
    const at = (q: number): number => (values.length === 0 ? 0 : Math.round(values[Math.min(values.length - 1, Math.floor((q / 100) * values.length))]));
    return { n: values.length, p50Ms: at(50), p99Ms: at(99), maxMs: at(100) };
  }

  /** p50 and p99 per window of `windowS` seconds, for the charts. */
  latencyOverTime(stage: string, to: number, windowS: number): { t: number[]; p50: number[]; p99: number[] } {
    const t: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    for (let s = 0; s < to; s += windowS) {
      const p = this.percentiles(stage, s, s + windowS);
      if (p.n === 0) continue;
      t.push(s + windowS / 2);
      p50.push(p.p50Ms);
      p99.push(p.p99Ms);
    }
    return { t, p50, p99 };
  }
}
