// A routing what-if for one site: what happened (the recorded calls through the wallboard's
// logic), what the simulation says happened under the recorded policies (the baseline: how far
// the model itself is off), and what it says would have happened under the candidate; per queue
// and tier, with the candidate's difference from what happened. Pure.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { WallboardSettings } from '../../projections/wallboard/wallboard.projection.ts';
import type { RoutingInput } from '../../streams/routing/routing.decider.ts';
import { differenceOf, kpisByQueueAndTier, splitGroupKey, ALL, type WhatIfKpis } from './kpis.ts';
import { recordedFacts } from './routing-facts.ts';
import { simulateRouting, type CandidatePolicy, type SimulationResult } from './routing-simulation.ts';

export interface RoutingWhatIfRow {
  readonly site: string;
  /** ALL ('*') rows sum every queue or tier. */
  readonly queue: string;
  readonly tier: string;
  readonly actual: WhatIfKpis | null;
  readonly baseline: WhatIfKpis | null;
  readonly candidate: WhatIfKpis | null;
  /** candidate − actual. */
  readonly difference: WhatIfKpis;
}

export interface SimulationSummary {
  readonly rejectedInputs: number;
  readonly unresolvedCalls: number;
  readonly answeredBeyondRecordedWait: number;
}

export interface RoutingWhatIfSite {
  readonly site: string;
  readonly inputsReplayed: number;
  /** Interactions whose first queue entry lies in the period. */
  readonly calls: number;
  readonly policiesLeftOut: number;
  readonly baseline: SimulationSummary;
  readonly candidate: SimulationSummary;
  readonly rows: readonly RoutingWhatIfRow[];
}

export interface RoutingWhatIfOptions {
  readonly site: string;
  readonly from: number;
  readonly to: number;
  readonly candidate: CandidatePolicy;
  readonly settings: WallboardSettings;
}

const RECORDED_FOR_KPIS = new Set(['QueueEntered', 'CustomerIdentified', 'InteractionAnswered', 'InteractionAbandoned', 'InteractionEnded']);

const summaryOf = (s: SimulationResult): SimulationSummary => ({ rejectedInputs: s.rejected, unresolvedCalls: s.unresolved, answeredBeyondRecordedWait: s.answeredBeyondRecordedWait });

function order(a: string, b: string): number {
  if (a === b) return 0;
  if (a === ALL) return 1;
  if (b === ALL) return -1;
  return a < b ? -1 : 1;
}

export function routingWhatIf(inputs: readonly RoutingInput[], options: RoutingWhatIfOptions): RoutingWhatIfSite {
  const facts = recordedFacts(inputs);
  const inPeriod = (interactionId: string | null): boolean => {
    const first = interactionId === null ? undefined : facts.firstQueueEntry.get(interactionId);
    return first !== undefined && first >= options.from && first < options.to;
  };
  const recorded = new Map<string, AnyLedgerEvent[]>();
  for (const input of inputs) {
    const id = input.metadata.interactionId;
    if (!RECORDED_FOR_KPIS.has(input.type) || !inPeriod(id)) continue;
    let list = recorded.get(id ?? '');
    if (!list) recorded.set(id ?? '', (list = []));
    list.push(input as AnyLedgerEvent);
  }
  const baseline = simulateRouting(inputs, facts, { from: options.from, to: options.to, candidate: null });
  const candidate = simulateRouting(inputs, facts, { from: options.from, to: options.to, candidate: options.candidate });
  const actualKpis = kpisByQueueAndTier(options.settings, recorded.values());
  const baselineKpis = kpisByQueueAndTier(options.settings, baseline.events.values());
  const candidateKpis = kpisByQueueAndTier(options.settings, candidate.events.values());
  const keys = [...new Set([...actualKpis.keys(), ...baselineKpis.keys(), ...candidateKpis.keys()])]
    .map(splitGroupKey)
    .sort((a, b) => order(a.queue, b.queue) || order(a.tier, b.tier));
  const rows = keys.map(({ queue, tier }) => {
    const key = `${queue}\u0000${tier}`;
    const actual = actualKpis.get(key) ?? null;
    const next = candidateKpis.get(key) ?? null;
    return { site: options.site, queue, tier, actual, baseline: baselineKpis.get(key) ?? null, candidate: next, difference: differenceOf(actual ?? undefined, next ?? undefined) };
  });
  return {
    site: options.site, inputsReplayed: candidate.inputsReplayed, calls: recorded.size, policiesLeftOut: candidate.policiesLeftOut,
    baseline: summaryOf(baseline), candidate: summaryOf(candidate), rows,
  };
}
