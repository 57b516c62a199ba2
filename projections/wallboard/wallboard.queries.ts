// Wallboard queries over the stable views: figures per 15-minute interval, local day, local
// month or the whole range, broken down by any of queue, tier and source system; rolling
// figures for the last minutes; occupancy from agent state time. Counters and buckets are
// summed in SQL, the ratios computed by figuresOf (docs/metrics.md).
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';
import { COUNTER_COLUMNS, figuresOf, zeroCounters, type AgentTime, type Counters, type Figures } from './wallboard.metrics.ts';
import { INTERVAL_MS } from './intervals.ts';

export type Grain = 'interval' | 'day' | 'month' | 'total';
export type Dimension = 'queue' | 'tier' | 'source';

export interface WallboardQuery {
  readonly grain: Grain;
  readonly by?: readonly Dimension[];
  /** Local days, inclusive (YYYY-MM-DD). */
  readonly fromDay?: string;
  readonly toDay?: string;
  /** Or interval starts, epoch ms: from inclusive, to exclusive. */
  readonly fromMs?: number;
  readonly toMs?: number;
}

export interface WallboardRow {
  /** Interval start (epoch ms, as a string), local day, local month (YYYY-MM), or 'total'. */
  readonly period: string;
  readonly queue?: string;
  readonly tier?: string;
  readonly source?: string;
  readonly counters: Counters;
  readonly figures: Figures;
}

const DIMENSION_COLUMN: Record<Dimension, string> = { queue: 'queue_id', tier: 'tier', source: 'source_system' };

function periodExpression(grain: Grain): string {
  switch (grain) {
    case 'interval': return 'interval_start::text';
    case 'day': return 'local_day::text';
    case 'month': return `to_char(local_day, 'YYYY-MM')`;
    case 'total': return `'total'`;
  }
}

function whereOf(query: WallboardQuery): { sql: string; bindings: (string | number)[] } {
  const parts: string[] = ['true'];
  const bindings: (string | number)[] = [];
  if (query.fromDay) { parts.push('local_day >= ?::date'); bindings.push(query.fromDay); }
  if (query.toDay) { parts.push('local_day <= ?::date'); bindings.push(query.toDay); }
  if (query.fromMs !== undefined) { parts.push('interval_start >= ?'); bindings.push(query.fromMs); }
  if (query.toMs !== undefined) { parts.push('interval_start < ?'); bindings.push(query.toMs); }
  return { sql: parts.join(' and '), bindings };
}

export async function wallboard(knex: Knex, readSchema: string, query: WallboardQuery): Promise<WallboardRow[]> {
  const r = quoteIdent(readSchema);
  const by = query.by ?? [];
  const groupColumns = by.map((d) => DIMENSION_COLUMN[d]);
  const select = [`${periodExpression(query.grain)} as period`, ...groupColumns].join(', ');
  const group = ['1', ...groupColumns.map((_, i) => String(i + 2))].join(', ');
  const where = whereOf(query);
  const counters = (await knex.raw<{ rows: Record<string, string>[] }>(
    `select ${select}, ${COUNTER_COLUMNS.map((c) => `sum(${c})::bigint as ${c}`).join(', ')}
     from ${r}.wallboard_intervals where ${where.sql} group by ${group} order by ${group}`,
    where.bindings,
  )).rows;
  const buckets = (await knex.raw<{ rows: Record<string, string>[] }>(
    `select ${select}, outcome, upper_ms, sum(visits)::bigint as visits
     from ${r}.wallboard_wait_buckets where ${where.sql} group by ${group}, outcome, upper_ms`,
    where.bindings,
  )).rows;
  const keyOf = (row: Record<string, string>) => [row.period, ...groupColumns.map((c) => row[c])].join('\u0000');
  const bucketsByKey = new Map<string, { ANSWERED: Map<number, number>; ABANDONED: Map<number, number>; CALLBACK: Map<number, number> }>();
  for (const row of buckets) {
    const key = keyOf(row);
    let entry = bucketsByKey.get(key);
    if (!entry) bucketsByKey.set(key, (entry = { ANSWERED: new Map(), ABANDONED: new Map(), CALLBACK: new Map() }));
    entry[row.outcome as 'ANSWERED'].set(Number(row.upper_ms), Number(row.visits));
  }
  const occupancy = query.grain !== 'interval' || by.length === 0 ? await agentTimeBy(knex, readSchema, query) : new Map<string, AgentTime>();
  return counters.map((row) => {
    const c = zeroCounters();
    for (const column of COUNTER_COLUMNS) c[column] = Number(row[column]);
    const b = bucketsByKey.get(keyOf(row)) ?? { ANSWERED: new Map(), ABANDONED: new Map(), CALLBACK: new Map() };
    const out: { -readonly [K in keyof WallboardRow]: WallboardRow[K] } = { period: row.period, counters: c, figures: figuresOf(c, b, by.length === 0 ? occupancy.get(row.period) : undefined) };
    if (by.includes('queue')) out.queue = row.queue_id;
    if (by.includes('tier')) out.tier = row.tier;
    if (by.includes('source')) out.source = row.source_system;
    return out;
  });
}

/** ms per agent state per period (centre-wide; occupancy has no queue, tier or source). */
export async function agentTimeBy(knex: Knex, readSchema: string, query: WallboardQuery): Promise<Map<string, AgentTime>> {
  const where = whereOf(query);
  const rows = (await knex.raw<{ rows: { period: string; state: string; ms: string }[] }>(
    `select ${periodExpression(query.grain)} as period, state, sum(ms)::bigint as ms from ${quoteIdent(readSchema)}.wallboard_agent_state_time
     where ${where.sql} group by 1, 2`,
    where.bindings,
  )).rows;
  const out = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const entry = out.get(row.period) ?? {};
    entry[row.state] = Number(row.ms);
    out.set(row.period, entry);
  }
  return out;
}

/**
 * Live (rolling) figures: the intervals that started within the last `windowMinutes` before
 * `now` (so at 10:07 a 60-minute window covers the intervals starting 09:15 to 10:00: up to 15
 * minutes more than the window, never less).
 */
export async function rollingWallboard(knex: Knex, readSchema: string, now: number, windowMinutes: number, by: readonly Dimension[] = []): Promise<WallboardRow[]> {
  const fromMs = Math.floor((now - windowMinutes * 60_000) / INTERVAL_MS) * INTERVAL_MS;
  return wallboard(knex, readSchema, { grain: 'total', by, fromMs, toMs: now + 1 });
}
