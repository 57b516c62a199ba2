// Dual track: during the parallel run the legacy centre's records are imported with source
// `legacy:<name>` and the new centre's events carry `new`; the wallboard projection keys every
// interval row by source system, so the same KPIs are computed for both from the same code. This
// report lines them up per queue and 15-minute interval (offered, answered, abandon rate, ASA,
// service level, AHT) and flags differences above a threshold:
//   - rates (abandon rate, service level): absolute difference (0.05 = 5 points);
//   - counts and times (offered, answered, ASA, AHT): relative difference |new − legacy| ÷ max(|legacy|, |new|);
//   - a queue and interval with calls on one side only is flagged as missing on the other.
import type { Knex } from 'knex';
import { wallboard, type WallboardRow } from '../projections/wallboard/wallboard.queries.ts';

export const DUAL_TRACK_METRICS = ['offered', 'answered', 'abandonRate', 'asaMs', 'serviceLevel', 'ahtMs'] as const;
export type DualTrackMetric = (typeof DUAL_TRACK_METRICS)[number];
export type Kpis = Record<DualTrackMetric, number | null>;

const RATES = new Set<DualTrackMetric>(['abandonRate', 'serviceLevel']);

export interface MetricDifference {
  readonly metric: DualTrackMetric;
  readonly legacy: number | null;
  readonly new: number | null;
  /** Absolute (rates) or relative (counts, times) difference; null when either side has no value. */
  readonly difference: number | null;
  readonly flagged: boolean;
}

export interface DualTrackRow {
  /** Interval start, epoch ms, and as ISO-8601. */
  readonly intervalStart: number;
  readonly interval: string;
  readonly queue: string;
  readonly legacy: Kpis | null;
  readonly new: Kpis | null;
  readonly differences: readonly MetricDifference[];
  readonly flagged: boolean;
  /** 'legacy-only' or 'new-only' when one side had no calls. */
  readonly missing?: 'legacy-only' | 'new-only';
}

export interface DualTrackReport {
  readonly legacySource: string;
  readonly newSource: string;
  readonly threshold: number;
  readonly rows: readonly DualTrackRow[];
  readonly flaggedRows: number;
}

export interface DualTrackOptions {
  readonly knex: Knex;
  /** The projections' read schema (ProjectionStore.readSchema). */
  readonly readSchema: string;
  readonly legacySource: string;
  readonly newSource: string;
  /** Default 0.05. */
  readonly threshold?: number;
  /** Interval starts, epoch ms: from inclusive, to exclusive. */
  readonly fromMs?: number;
  readonly toMs?: number;
}

export function kpisOf(row: WallboardRow): Kpis {
  const f = row.figures;
  return { offered: f.offered, answered: f.answered, abandonRate: f.abandonRate, asaMs: f.averageSpeedOfAnswerMs, serviceLevel: f.serviceLevel, ahtMs: f.averageHandleTimeMs };
}

export function compare(legacy: Kpis, next: Kpis, threshold: number): MetricDifference[] {
  return DUAL_TRACK_METRICS.map((metric) => {
    const a = legacy[metric];
    const b = next[metric];
    if (a === null || b === null) return { metric, legacy: a, new: b, difference: null, flagged: a !== b };
    const scale = Math.max(Math.abs(a), Math.abs(b));
    const difference = RATES.has(metric) ? Math.abs(b - a) : scale === 0 ? 0 : Math.abs(b - a) / scale;
    return { metric, legacy: a, new: b, difference, flagged: difference > threshold + 1e-12 };
  });
}

export async function dualTrackReport(options: DualTrackOptions): Promise<DualTrackReport> {
  const threshold = options.threshold ?? 0.05;
  if (!(threshold >= 0)) throw new Error(`--threshold: must be a non-negative number, got ${threshold}`);
  const rows = await wallboard(options.knex, options.readSchema, { grain: 'interval', by: ['queue', 'source'], fromMs: options.fromMs, toMs: options.toMs });
  const pairs = new Map<string, { start: number; queue: string; legacy?: Kpis; next?: Kpis }>();
  for (const row of rows) {
    if (row.source !== options.legacySource && row.source !== options.newSource) continue;
    if (row.queue === '') continue; // IVR-only rows: no queue KPIs
    const key = `${row.period}\u0000${row.queue}`;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { start: Number(row.period), queue: row.queue ?? '' }));
    if (row.source === options.legacySource) pair.legacy = kpisOf(row);
    else pair.next = kpisOf(row);
  }
  const out: DualTrackRow[] = [...pairs.values()]
    .sort((a, b) => a.start - b.start || (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0))
    .map((pair) => {
      const base = { intervalStart: pair.start, interval: new Date(pair.start).toISOString(), queue: pair.queue, legacy: pair.legacy ?? null, new: pair.next ?? null };
      if (!pair.legacy || !pair.next) return { ...base, differences: [], flagged: true, missing: pair.legacy ? 'legacy-only' as const : 'new-only' as const };
      const differences = compare(pair.legacy, pair.next, threshold);
      return { ...base, differences, flagged: differences.some((d) => d.flagged) };
    });
  return { legacySource: options.legacySource, newSource: options.newSource, threshold, rows: out, flaggedRows: out.filter((r) => r.flagged).length };
}

const fmt = (metric: DualTrackMetric, value: number | null): string => {
  if (value === null) return '—';
  if (RATES.has(metric)) return `${(value * 100).toFixed(1)}%`;
  if (metric.endsWith('Ms')) return `${(value / 1000).toFixed(1)}s`;
  return String(value);
};

/** One line per queue and interval: legacy → new per metric, flagged ones marked with `!`. */
export function dualTrackTable(report: DualTrackReport): string {
  const lines = [`interval\tqueue\t${DUAL_TRACK_METRICS.join('\t')}\tflag`];
  for (const row of report.rows) {
    const cells = DUAL_TRACK_METRICS.map((metric) => {
      const d = row.differences.find((x) => x.metric === metric);
      return `${fmt(metric, row.legacy?.[metric] ?? null)}→${fmt(metric, row.new?.[metric] ?? null)}${d?.flagged ? '!' : ''}`;
    });
    lines.push(`${row.interval}\t${row.queue}\t${cells.join('\t')}\t${row.missing ?? (row.flagged ? 'FLAGGED' : '')}`);
  }
  lines.push(`${report.flaggedRows} of ${report.rows.length} queue-intervals differ by more than ${report.threshold} (${report.legacySource} vs ${report.newSource})`);
  return `${lines.join('\n')}\n`;
}

export function dualTrackCsv(report: DualTrackReport): string {
  const header = ['interval', 'queue', ...DUAL_TRACK_METRICS.flatMap((m) => [`legacy_${m}`, `new_${m}`, `diff_${m}`]), 'flagged', 'missing'];
  const lines = [header.join(',')];
  for (const row of report.rows) {
    const cells = DUAL_TRACK_METRICS.flatMap((metric) => {
      const d = row.differences.find((x) => x.metric === metric);
      return [row.legacy?.[metric] ?? '', row.new?.[metric] ?? '', d?.difference ?? ''];
    });
    lines.push([row.interval, row.queue, ...cells, row.flagged, row.missing ?? ''].join(','));
  }
  return `${lines.join('\n')}\n`;
}
