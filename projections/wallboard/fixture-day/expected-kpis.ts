// The fixture day's expected wallboard figures, computed INDEPENDENTLY of the projection: from
// the plain facts the generator recorded (not from events), with Shanghai's fixed UTC+8 offset
// (no Intl), a sort for percentiles (no buckets), and the formulas as written in
// docs/metrics.md. Shares no code with projections/wallboard except nothing: the bucket edges
// are restated from the document.
import type { AgentSegment, FixtureDay, IvrFact, VisitFact } from './generate-day.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const QUARTER_MS = 900_000;
const T_MS = 20_000; // service level threshold (docs/metrics.md default)
const SHORT_MS = 5_000; // short abandon threshold (default)

// docs/metrics.md, "Wait buckets": 5 s steps to 2 min, 30 s steps to 10 min, 60 s steps to 30 min, 45 min, 60 min.
const EDGES: number[] = [];
for (let s = 5; s <= 120; s += 5) EDGES.push(s * 1000);
for (let s = 150; s <= 600; s += 30) EDGES.push(s * 1000);
for (let s = 660; s <= 1800; s += 60) EDGES.push(s * 1000);
EDGES.push(2_700_000, 3_600_000);

export function quarterOf(t: number): number {
  const local = t + SHANGHAI_OFFSET_MS;
  return local - (local % QUARTER_MS) - SHANGHAI_OFFSET_MS;
}

export function localDayOf(t: number): string {
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export interface ExpectedGroup {
  offered: number; transferredIn: number; answered: number; answeredWithinT: number; answerWaitSum: number;
  abandoned: number; shortAbandoned: number; abandonedWithinT: number; abandonWaitSum: number; callbacks: number; callbacksWithinT: number;
  handled: number; talk: number; hold: number; wrap: number; heldContacts: number; transfers: number; ivrContained: number; ivrAbandoned: number;
  answeredWaits: number[]; abandonedWaits: number[];
}

function emptyGroup(): ExpectedGroup {
  return { offered: 0, transferredIn: 0, answered: 0, answeredWithinT: 0, answerWaitSum: 0, abandoned: 0, shortAbandoned: 0, abandonedWithinT: 0, abandonWaitSum: 0, callbacks: 0, callbacksWithinT: 0, handled: 0, talk: 0, hold: 0, wrap: 0, heldContacts: 0, transfers: 0, ivrContained: 0, ivrAbandoned: 0, answeredWaits: [], abandonedWaits: [] };
}

/** Groups visits and IVR completions by a key of (interval start, local day, queue, tier, source). */
export function expectedGroups(day: FixtureDay, keyOf: (interval: number, localDay: string, queue: string, tier: string, source: string) => string): Map<string, ExpectedGroup> {
  const groups = new Map<string, ExpectedGroup>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyGroup()));
    return g;
  };
  for (const v of day.visits as VisitFact[]) {
    const g = group(keyOf(quarterOf(v.enteredAt), localDayOf(v.enteredAt), v.queue, v.tier, v.source));
    g.offered += 1;
    if (v.transferredIn) g.transferredIn += 1;
    if (v.outcome === 'ANSWERED') {
      g.answered += 1;
      if (v.waitMs <= T_MS) g.answeredWithinT += 1;
      g.answerWaitSum += v.waitMs;
      g.answeredWaits.push(v.waitMs);
      g.handled += 1;
      g.talk += v.talkMs;
      g.hold += v.holdMs;
      g.wrap += v.wrapMs;
      if (v.holdMs > 0) g.heldContacts += 1;
      if (v.endedByTransfer) g.transfers += 1;
    } else if (v.outcome === 'ABANDONED') {
      g.abandoned += 1;
      if (v.waitMs <= SHORT_MS) g.shortAbandoned += 1;
      if (v.waitMs <= T_MS) g.abandonedWithinT += 1;
      g.abandonWaitSum += v.waitMs;
      g.abandonedWaits.push(v.waitMs);
    } else {
      g.callbacks += 1;
      if (v.waitMs <= T_MS) g.callbacksWithinT += 1;
    }
  }
  for (const ivr of day.ivrContained as IvrFact[]) group(keyOf(quarterOf(ivr.at), localDayOf(ivr.at), '', ivr.tier, ivr.source)).ivrContained += 1;
  for (const ivr of day.ivrAbandoned as IvrFact[]) group(keyOf(quarterOf(ivr.at), localDayOf(ivr.at), '', ivr.tier, ivr.source)).ivrAbandoned += 1;
  return groups;
}

/** Nearest rank on the sorted waits, reported as the upper edge of the bucket that holds it. */
function percentile(waits: number[], p: number): number | null {
  if (waits.length === 0) return null;
  const sorted = [...waits].sort((a, b) => a - b);
  const value = sorted[Math.ceil(p * sorted.length) - 1];
  const edge = EDGES.find((e) => value <= e);
  return edge === undefined ? null : edge;
}

const divide = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function expectedFigures(g: ExpectedGroup) {
  return {
    offered: g.offered,
    answered: g.answered,
    abandoned: g.abandoned,
    shortAbandoned: g.shortAbandoned,
    callbacks: g.callbacks,
    abandonRate: divide(g.abandoned, g.offered),
    serviceLevel: divide(g.answeredWithinT, g.answered + g.abandoned - g.shortAbandoned),
    averageSpeedOfAnswerMs: divide(g.answerWaitSum, g.answered),
    averageAbandonWaitMs: divide(g.abandonWaitSum, g.abandoned),
    answeredWaitP50Ms: percentile(g.answeredWaits, 0.5),
    answeredWaitP90Ms: percentile(g.answeredWaits, 0.9),
    abandonedWaitP50Ms: percentile(g.abandonedWaits, 0.5),
    abandonedWaitP90Ms: percentile(g.abandonedWaits, 0.9),
    averageHandleTimeMs: divide(g.talk + g.hold + g.wrap, g.handled),
    averageHoldTimeMs: divide(g.hold, g.heldContacts),
    transfers: g.transfers,
    ivrContained: g.ivrContained,
    ivrAbandoned: g.ivrAbandoned,
    variants: {
      serviceLevelConnect: divide(g.answeredWithinT + g.abandonedWithinT + g.callbacksWithinT, g.offered),
      serviceLevelAsterisk: divide(g.answeredWithinT, g.answered),
      serviceLevelAsterisk2: divide(g.answeredWithinT + g.abandonedWithinT, g.answered + g.abandoned),
      serviceLevelGenesys: divide(g.answeredWithinT, g.answered + g.abandoned),
      abandonRateExcludingShort: divide(g.abandoned - g.shortAbandoned, g.offered - g.shortAbandoned),
    },
  };
}

/** Occupancy per local day: (BUSY + WRAP_UP) ÷ (BUSY + WRAP_UP + AVAILABLE), state time cut at local midnight. */
export function expectedOccupancyByDay(segments: readonly AgentSegment[]): Map<string, number | null> {
  const perDay = new Map<string, Record<string, number>>();
  for (const s of segments) {
    let from = s.from;
    while (from < s.to) {
      const nextMidnight = from + SHANGHAI_OFFSET_MS - ((from + SHANGHAI_OFFSET_MS) % 86_400_000) + 86_400_000 - SHANGHAI_OFFSET_MS;
      const until = Math.min(s.to, nextMidnight);
      const day = localDayOf(from);
      const entry = perDay.get(day) ?? {};
      entry[s.state] = (entry[s.state] ?? 0) + (until - from);
      perDay.set(day, entry);
      from = until;
    }
  }
  const out = new Map<string, number | null>();
  for (const [day, ms] of perDay) {
    const onContact = (ms.BUSY ?? 0) + (ms.WRAP_UP ?? 0);
    out.set(day, divide(onContact, onContact + (ms.AVAILABLE ?? 0)));
  }
  return out;
}
