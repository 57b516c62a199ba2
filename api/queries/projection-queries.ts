// The query ports over the projections that exist today: live queues and wallboard KPIs (both
// through the stable `<prefix>_read` views). Agent profiles, IVR funnel, intents and customer
// history plug in here as their read models land (docs/api.md, "Seams").
import type { Knex } from 'knex';
import { agentsBySkill, liveQueues } from '../../projections/live-queues/live-queues.queries.ts';
import { rollingWallboard, wallboard, type Dimension } from '../../projections/wallboard/wallboard.queries.ts';
import { INTERVAL_MS } from '../../projections/wallboard/intervals.ts';
import type { KpiFilter, Page, QueryPorts, Row } from './query-ports.ts';

/** Offset pages with an opaque cursor (the rows of one query are few: intervals × queues × tiers × sources). */
export function paginate<T>(rows: readonly T[], limit: number, after: string | null): Page<T> {
  const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0;
  const items = rows.slice(start, start + limit);
  const end = start + items.length;
  return { items, next: end < rows.length ? Buffer.from(String(end), 'utf8').toString('base64url') : null };
}

function flatten(value: Record<string, unknown>, prefix = ''): Row {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = v === undefined ? null : (v as string | number | boolean | null);
  }
  return out;
}

export function projectionQueries(knex: Knex, readSchema: string): QueryPorts {
  return {
    liveQueues: (now) => liveQueues(knex, readSchema, now),
    agentsBySkill: () => agentsBySkill(knex, readSchema),
    async rollingKpis(now, windowMinutes) {
      const rows = await rollingWallboard(knex, readSchema, now, windowMinutes, ['queue']);
      return rows.map((r) => flatten({ queue: r.queue ?? null, windowMinutes, ...r.figures } as Record<string, unknown>));
    },
    async serviceLevels(from, to) {
      const rows = await wallboard(knex, readSchema, { grain: 'total', by: ['queue'], fromMs: Math.floor(from / INTERVAL_MS) * INTERVAL_MS, toMs: to });
      return new Map(rows.map((r) => [r.queue ?? '', r.figures.serviceLevel]));
    },
    async kpis(filter: KpiFilter) {
      const by: Dimension[] = ['queue', 'tier', 'source'];
      const grain = filter.intervalMinutes >= 1440 ? 'day' : 'interval';
      const fromMs = Math.floor(filter.from / INTERVAL_MS) * INTERVAL_MS;
      const rows = await wallboard(knex, readSchema, { grain, by, fromMs, toMs: filter.to });
      const kept = rows.filter((r) => (filter.queueId === null || r.queue === filter.queueId) && (filter.tier === null || r.tier === filter.tier) && (filter.source === null || r.source === filter.source));
      const shaped = kept.map((r) => flatten({
        period: grain === 'interval' ? new Date(Number(r.period)).toISOString() : r.period, queue: r.queue ?? null, tier: r.tier ?? null, source: r.source ?? null, ...r.figures, counters: r.counters,
      } as Record<string, unknown>));
      return paginate(shaped, filter.limit, filter.after);
    },
  };
}
