// The performance targets of DESIGN.md, checked against the figures of one `npm run bench` run.
// A target whose figure the run did not produce (a bench failed or was left out) is `not measured`.
export interface Figure {
  readonly bench: string;
  readonly [field: string]: unknown;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly limit: string;
  readonly outcome: 'pass' | 'fail' | 'not measured';
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const find = (figures: readonly Figure[], bench: string, figure?: RegExp): Figure | undefined =>
  figures.find((f) => f.bench === bench && (figure === undefined || figure.test(String(f.figure ?? ''))));
const fmt = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

function check(target: string, value: number | undefined, pass: (value: number) => boolean, measured: (value: number) => string, limit = ''): TargetCheck {
  if (value === undefined) return { target, measured: '—', limit, outcome: 'not measured' };
  return { target, measured: measured(value), limit, outcome: pass(value) ? 'pass' : 'fail' };
}

export function checkTargets(figures: readonly Figure[]): TargetCheck[] {
  const ours = find(figures, 'ingest-projections-kafka', /^ingest → projections/);
  const raw = find(figures, 'ingest-projections-kafka', /^raw kafkajs/);
  const rawLimit = raw ? `raw kafkajs produce+consume: ${fmt(num(raw.eventsPerSecond) ?? 0)} events/s` : '';
  const live = find(figures, 'routing.e2e.kafka');
  const offered = (live?.offered ?? {}) as Record<string, unknown>;
  const waited = (live?.waited ?? {}) as Record<string, unknown>;
  const liveP99 = live && num(live.callsInSystem) !== undefined && (num(live.callsInSystem) as number) >= 10_000
    ? Math.max(num(offered.p99Ms) ?? 0, num(waited.p99Ms) ?? 0) : undefined;
  // Routing is two at-least-once hops (sequencer, router): the raw limit is two raw hops.
  const hop = find(figures, 'kafka-hop-latency', /^raw kafkajs, at-least-once/);
  const compute = find(figures, 'routing.compute');
  const state = find(figures, 'routing.state');
  const rebuild = find(figures, 'projections', /^rebuild all read models/);
  const takeover = find(figures, 'replay', /^DR takeover with a snapshot/);
  return [
    check('ingest → projections on Kafka ≥ 20,000 events/s', num(ours?.eventsPerSecond), (v) => v >= 20_000, (v) => `${fmt(v)} events/s`, rawLimit),
    check('ingest → projections within 2x of raw kafkajs', num(ours?.ratioToRaw), (v) => v <= 2, (v) => `${fmt(v)}x the raw time`, rawLimit),
    check('live path p99 ≤ 50 ms at 10,000 concurrent calls (Kafka; worse of offer and wait decisions)', liveP99, (v) => v <= 50, (v) => `${fmt(v)} ms`,
      hop ? `raw kafkajs at-least-once hop p99: ${fmt(num(hop.p99) ?? 0)} ms (routing is two hops)` : ''),
    check('routing decision compute p99 ≤ 1 ms (10,000 waiting calls, 5,000 agents)', num(compute?.p99Us), (v) => v <= 1000, (v) => `${fmt(v)} µs`),
    check('routing state memory ≤ 200 MB (10,000 calls, 5,000 agents)', num(state?.heapMB), (v) => v <= 200, (v) => `${fmt(v)} MB`),
    check('rebuild all projections ≥ 100,000 events/s (embedded log)', num(rebuild?.eventsPerSecond), (v) => v >= 100_000, (v) => `${fmt(v)} events/s`,
      (() => { const read = find(figures, 'projections', /^raw read/); return read ? `raw read of the same log: ${fmt(num(read.eventsPerSecond) ?? 0)} events/s` : ''; })()),
    check('DR takeover (snapshot + tail) ≤ 60 s', num(takeover?.seconds), (v) => v <= 60, (v) => `${fmt(v)} s`),
  ];
}
