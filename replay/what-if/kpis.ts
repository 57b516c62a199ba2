// KPIs of a set of interactions with the wallboard's own logic: its pure evolve turns each
// interaction's events into interval row changes, which are summed in memory per queue and tier
// (and per queue, and for the site) and read with the wallboard's formulas (figuresOf). Nothing
// is written: the rows never leave this process.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { figuresOf, zeroCounters, type CounterColumn, type Counters } from '../../projections/wallboard/wallboard.metrics.ts';
import { wallboardLogic, type WallboardSettings } from '../../projections/wallboard/wallboard.projection.ts';

export const WHAT_IF_METRICS = ['offered', 'answered', 'abandoned', 'serviceLevel', 'asaMs', 'abandonRate'] as const;
export type WhatIfMetric = (typeof WHAT_IF_METRICS)[number];
export type WhatIfKpis = Record<WhatIfMetric, number | null>;

/** Every queue, or every tier, of a grouping. */
export const ALL = '*';

interface Totals {
  readonly counters: Counters;
  readonly buckets: { ANSWERED: Map<number, number>; ABANDONED: Map<number, number>; CALLBACK: Map<number, number> };
}

const groupKey = (queue: string, tier: string): string => `${queue}\u0000${tier}`;

/** KPIs by `queue\0tier`, with ALL rows per queue, per tier and for the whole set. */
export function kpisByQueueAndTier(settings: WallboardSettings, interactions: Iterable<readonly AnyLedgerEvent[]>): Map<string, WhatIfKpis> {
  const logic = wallboardLogic(settings);
  const totals = new Map<string, Totals>();
  const totalsOf = (key: string): Totals => {
    let t = totals.get(key);
    if (!t) totals.set(key, (t = { counters: zeroCounters(), buckets: { ANSWERED: new Map(), ABANDONED: new Map(), CALLBACK: new Map() } }));
    return t;
  };
  for (const events of interactions) {
    let state = logic.initialState();
    for (const event of events) {
      const evolved = logic.evolve(state, event);
      state = evolved.state;
      for (const change of evolved.changes) {
        if (change.op !== 'add') continue;
        const queue = String(change.key.queue_id);
        if (queue === '') continue; // IVR rows: no queue KPIs
        const tier = String(change.key.tier);
        for (const key of [groupKey(queue, tier), groupKey(queue, ALL), groupKey(ALL, tier), groupKey(ALL, ALL)]) {
          const t = totalsOf(key);
          if (change.table === 'intervals') {
            for (const [column, value] of Object.entries(change.values)) t.counters[column as CounterColumn] += value;
          } else if (change.table === 'wait_buckets') {
            const outcome = change.key.outcome as keyof Totals['buckets'];
            const upper = Number(change.key.upper_ms);
            t.buckets[outcome].set(upper, (t.buckets[outcome].get(upper) ?? 0) + (change.values.visits ?? 0));
          }
        }
      }
    }
  }
  const out = new Map<string, WhatIfKpis>();
  for (const [key, t] of totals) {
    const f = figuresOf(t.counters, t.buckets);
    out.set(key, { offered: f.offered, answered: f.answered, abandoned: f.abandoned, serviceLevel: f.serviceLevel, asaMs: f.averageSpeedOfAnswerMs, abandonRate: f.abandonRate });
  }
  return out;
}

export function splitGroupKey(key: string): { queue: string; tier: string } {
  const [queue, tier] = key.split('\u0000');
  return { queue, tier };
}

/** candidate − actual per metric (null when either is null). */
export function differenceOf(actual: WhatIfKpis | undefined, candidate: WhatIfKpis | undefined): WhatIfKpis {
  return Object.fromEntries(WHAT_IF_METRICS.map((m) => {
    const a = actual?.[m] ?? null;
    const c = candidate?.[m] ?? null;
    return [m, a === null || c === null ? null : c - a];
  })) as WhatIfKpis;
}
