// The wallboard's figures from its additive counters and wait buckets: the formulas of
// docs/metrics.md (definitions version 1) and the named vendor variants. Pure.
import { OPEN_BUCKET } from './wallboard.projection.ts';

export const METRICS_VERSION = 1;

export const COUNTER_COLUMNS = [
  'offered', 'transferred_in', 'answered', 'answered_in_sl', 'answer_wait_ms', 'abandoned', 'short_abandoned', 'abandoned_in_sl',
  'abandon_wait_ms', 'callbacks', 'callbacks_in_sl', 'exited', 'handled', 'talk_ms', 'hold_ms', 'wrap_ms', 'held_contacts',
  'transfers', 'ivr_contained', 'ivr_abandoned', 'ring_no_answer', 'declined',
] as const;

export type CounterColumn = (typeof COUNTER_COLUMNS)[number];
export type Counters = Record<CounterColumn, number>;

export function zeroCounters(): Counters {
  return Object.fromEntries(COUNTER_COLUMNS.map((c) => [c, 0])) as Counters;
}

/** Per outcome: bucket upper bound (ms, inclusive) → visits. */
export interface WaitBuckets {
  readonly ANSWERED: ReadonlyMap<number, number>;
  readonly ABANDONED: ReadonlyMap<number, number>;
  readonly CALLBACK: ReadonlyMap<number, number>;
}

export interface AgentTime {
  /** ms per agent state (AVAILABLE, BUSY, WRAP_UP, BREAK, ...). */
  readonly [state: string]: number;
}

export interface Figures {
  readonly metricsVersion: number;
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly shortAbandoned: number;
  readonly callbacks: number;
  /** abandoned ÷ offered (short abandons included; callbacks are not abandons). */
  readonly abandonRate: number | null;
  /** answered within T ÷ (answered + abandoned − short abandons). */
  readonly serviceLevel: number | null;
  /** answer wait sum ÷ answered, ms. */
  readonly averageSpeedOfAnswerMs: number | null;
  readonly averageAbandonWaitMs: number | null;
  /** Nearest-rank percentiles on the wait buckets: the upper bound of the bucket holding the rank (ms; null = beyond the last edge). */
  readonly answeredWaitP50Ms: number | null;
  readonly answeredWaitP90Ms: number | null;
  readonly abandonedWaitP50Ms: number | null;
  readonly abandonedWaitP90Ms: number | null;
  /** (talk + hold + wrap-up) ÷ handled, ms. */
  readonly averageHandleTimeMs: number | null;
  /** hold ÷ contacts held at least once, ms. */
  readonly averageHoldTimeMs: number | null;
  readonly transfers: number;
  readonly ivrContained: number;
  /** Callers who hung up in the IVR (never queued; not in the abandon rate). */
  readonly ivrAbandoned: number;
  /** (BUSY + WRAP_UP) ÷ (BUSY + WRAP_UP + AVAILABLE), when agent time is given. */
  readonly occupancy: number | null;
  readonly variants: {
    /** Amazon Connect: (answered + abandoned + callbacks within T) ÷ offered. */
    readonly serviceLevelConnect: number | null;
    /** Asterisk SL: answered within T ÷ answered. */
    readonly serviceLevelAsterisk: number | null;
    /** Asterisk SL2: (answered + abandoned within T) ÷ (answered + abandoned). */
    readonly serviceLevelAsterisk2: number | null;
    /** Genesys (default, short abandons included): answered within T ÷ (answered + abandoned). */
    readonly serviceLevelGenesys: number | null;
    /** (abandoned − short abandons) ÷ (offered − short abandons). */
    readonly abandonRateExcludingShort: number | null;
  };
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Nearest rank: the smallest bucket bound b with count(wait ≤ b) ≥ ceil(p × n). */
export function bucketPercentile(buckets: ReadonlyMap<number, number>, p: number): number | null {
  let n = 0;
  for (const count of buckets.values()) n += count;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let cumulative = 0;
  for (const bound of [...buckets.keys()].sort((a, b) => a - b)) {
    cumulative += buckets.get(bound) ?? 0;
    if (cumulative >= rank) return bound === OPEN_BUCKET ? null : bound;
  }
  return null;
}

export function figuresOf(c: Counters, buckets: WaitBuckets, agentTime?: AgentTime): Figures {
  const onContact = agentTime ? (agentTime.BUSY ?? 0) + (agentTime.WRAP_UP ?? 0) : 0;
  return {
    metricsVersion: METRICS_VERSION,
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    shortAbandoned: c.short_abandoned,
    callbacks: c.callbacks,
    abandonRate: ratio(c.abandoned, c.offered),
    serviceLevel: ratio(c.answered_in_sl, c.answered + c.abandoned - c.short_abandoned),
    averageSpeedOfAnswerMs: ratio(c.answer_wait_ms, c.answered),
    averageAbandonWaitMs: ratio(c.abandon_wait_ms, c.abandoned),
    answeredWaitP50Ms: bucketPercentile(buckets.ANSWERED, 0.5),
    answeredWaitP90Ms: bucketPercentile(buckets.ANSWERED, 0.9),
    abandonedWaitP50Ms: bucketPercentile(buckets.ABANDONED, 0.5),
    abandonedWaitP90Ms: bucketPercentile(buckets.ABANDONED, 0.9),
    averageHandleTimeMs: ratio(c.talk_ms + c.hold_ms + c.wrap_ms, c.handled),
    averageHoldTimeMs: ratio(c.hold_ms, c.held_contacts),
    transfers: c.transfers,
    ivrContained: c.ivr_contained,
    ivrAbandoned: c.ivr_abandoned,
    occupancy: agentTime ? ratio(onContact, onContact + (agentTime.AVAILABLE ?? 0)) : null,
    variants: {
      serviceLevelConnect: ratio(c.answered_in_sl + c.abandoned_in_sl + c.callbacks_in_sl, c.offered),
      serviceLevelAsterisk: ratio(c.answered_in_sl, c.answered),
      serviceLevelAsterisk2: ratio(c.answered_in_sl + c.abandoned_in_sl, c.answered + c.abandoned),
      serviceLevelGenesys: ratio(c.answered_in_sl, c.answered + c.abandoned),
      abandonRateExcludingShort: ratio(c.abandoned - c.short_abandoned, c.offered - c.short_abandoned),
    },
  };
}
