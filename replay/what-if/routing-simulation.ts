// Re-simulates a site's queues under a candidate routing policy, from the recorded routing stream.
// The model (docs/operations.md, "What-if replays"):
//   - facts kept from the recording: every queue entry (time, queue, tier, priority, skills), the
//     customer identification, every agent log-in, log-out, skills change and not-ready/available
//     state, the clock ticks; each caller's patience (the wait after which they abandoned or left;
//     for callers who were answered, censored, the median of their tier's patience curve beyond
//     their wait — routing-facts.ts — and the report counts how many waited longer than they did
//     in the recording); the ring,
//     talk and after-call-work time of each answered call (calls not answered in the recording
//     get their queue's means);
//   - re-decided: which agent gets which call and when (the real routing decider, fed the facts
//     plus the simulated answers, call ends and abandons), so waits, answers and abandons follow
//     the policy. Agents' BUSY / WRAP_UP states caused by routed calls are dropped from the
//     recording and replaced by the simulated calls; a simulated agent answers after the call's
//     recorded ring time (never letting it ring out), and takes the recorded changes of their
//     state that fall during a simulated call when that call's after-call work ends.
// The candidate is published at `from` under its own policy id; recorded routing and cohort
// policy publications from `from` on are left out, so the candidate stays in force. Without a
// candidate the recorded policies apply (the baseline: what the model says happened).
// Pure and deterministic: the agenda is ordered by (time, sequence), ids are counters.
import type { AnyLedgerEvent, LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { IndexedHeap } from '../../streams/routing/indexed-heap.ts';
import { decide, initialState, RoutingInputRejected, type RoutingDecision, type RoutingInput } from '../../streams/routing/routing.decider.ts';
import { visitKey, type RecordedFacts, type VisitFacts } from './routing-facts.ts';

export interface CandidatePolicy {
  readonly policyId: string;
  /** The RoutingPolicyPublished document (JSON text), validated by the decider. */
  readonly text: string;
}

export interface SimulationOptions {
  /** Epoch ms: the candidate takes over here; calls whose first queue entry is in [from, to) are reported. */
  readonly from: number;
  readonly to: number;
  /** null: the recorded policies (baseline). */
  readonly candidate: CandidatePolicy | null;
}

export interface SimulationResult {
  /** The reported interactions' wallboard inputs under the simulation, in time order, by interaction. */
  readonly events: ReadonlyMap<string, readonly AnyLedgerEvent[]>;
  readonly inputsReplayed: number;
  /** Inputs the decider refused (e.g. a state change of an agent it does not know). */
  readonly rejected: number;
  /** Reported calls answered in the simulation after a longer wait than in the recording, where they were answered (censored patience). */
  readonly answeredBeyondRecordedWait: number;
  /** Reported visits still waiting or ringing when the recording and the agenda ran out. */
  readonly unresolved: number;
  /** Recorded routing / cohort policy publications left out because the candidate is in force. */
  readonly policiesLeftOut: number;
}

type Action =
  | { readonly kind: 'answer'; readonly interactionId: string; readonly offerId: string }
  | { readonly kind: 'talk-end'; readonly interactionId: string; readonly agentId: string; readonly visit: SimVisit }
  | { readonly kind: 'handle-end'; readonly agentId: string }
  | { readonly kind: 'give-up'; readonly interactionId: string; readonly visit: SimVisit };

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly action: Action;
  heapIndex: number;
}

interface SimVisit {
  readonly facts: VisitFacts;
  readonly queueId: string;
  offer: { offerId: string; agentId: string; queueId: string; offeredAt: number } | null;
  done: boolean;
}

const AGENT_INPUTS = new Set(['AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged', 'AgentSkillsChanged']);
/** Outcomes of calls are simulated, never taken from the recording. */
const RECORDED_OUTCOMES = new Set(['InteractionAnswered', 'InteractionAbandoned', 'InteractionEnded', 'OfferDeclined', 'OfferTimedOut']);

export function simulateRouting(inputs: readonly RoutingInput[], facts: RecordedFacts, options: SimulationOptions): SimulationResult {
  const state = initialState();
  const agenda = new IndexedHeap<Scheduled>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  const visits = new Map<string, SimVisit>();
  const onCall = new Map<string, AnyLedgerEvent[]>(); // agent id → recorded agent inputs deferred until the simulated call's work ends
  const reported = new Map<string, AnyLedgerEvent[]>();
  let seq = 0;
  let now = 0;
  let rejected = 0;
  let beyond = 0;
  let replayed = 0;
  let policiesLeftOut = 0;

  const isReported = (interactionId: string | null): boolean => {
    const first = interactionId === null ? undefined : facts.firstQueueEntry.get(interactionId);
    return first !== undefined && first >= options.from && first < options.to;
  };
  const report = (event: AnyLedgerEvent): void => {
    const id = event.metadata.interactionId;
    if (id === null || !isReported(id)) return;
    let list = reported.get(id);
    if (!list) reported.set(id, (list = []));
    list.push(event);
  };
  const schedule = (at: number, action: Action): void => agenda.push({ at, seq: ++seq, action, heapIndex: -1 });
  const synthetic = <T extends keyof LedgerEventMap>(type: T, interactionId: string | null, data: LedgerEventMap[T]): LedgerEvent<T> => ({
    type,
    metadata: {
      eventId: `00000000-0000-5000-8000-${(++seq).toString(16).padStart(12, '0')}`, eventType: type, occurredAt: now, recordedAt: now, sourceSystem: 'what-if',
      interactionId, correlationId: null, causationId: null, producer: { component: 'replay/what-if', version: '1' }, dataSubject: null,
    },
    data,
  });

  const feed = (input: RoutingInput): void => {
    let decisions: RoutingDecision[];
    try {
      decisions = decide(input, state);
    } catch (error) {
      if (error instanceof RoutingInputRejected) {
        rejected++;
        return;
      }
      throw error;
    }
    for (const decision of decisions) react(decision);
  };

  const react = (decision: RoutingDecision): void => {
    const visit = decision.interactionId === null ? undefined : visits.get(decision.interactionId);
    if (!visit || visit.done) return;
    if (decision.type === 'InteractionOffered') {
      const { offerId, agentId, queueId, ringTimeoutMs } = decision.data;
      visit.offer = { offerId, agentId, queueId: queueId ?? visit.queueId, offeredAt: decision.occurredAt };
      schedule(decision.occurredAt + Math.max(0, Math.min(visit.facts.ringMs, ringTimeoutMs - 1)), { kind: 'answer', interactionId: visit.facts.interactionId, offerId });
    } else if (decision.type === 'OfferWithdrawn' || decision.type === 'OfferTimedOut') {
      if (visit.offer?.offerId === decision.data.offerId) visit.offer = null;
    } else if (decision.type === 'RoutingDecided' && decision.data.outcome === 'OTHER') {
      // Refused (queue full or closed): the caller hears a message and the visit ends.
      visit.done = true;
      report(synthetic('InteractionEnded', visit.facts.interactionId, { endedBy: 'SYSTEM', durationMs: 0, agentId: null, releaseCause: 'refused by routing' }));
    }
  };

  const run = (action: Action): void => {
    switch (action.kind) {
      case 'answer': {
        const visit = visits.get(action.interactionId);
        const offer = visit?.offer;
        if (!visit || visit.done || !offer || offer.offerId !== action.offerId) return;
        visit.done = true;
        const waitedMs = now - visit.facts.enteredAt;
        const answered = synthetic('InteractionAnswered', action.interactionId, { agentId: offer.agentId, offerId: offer.offerId, queueId: offer.queueId, queueWaitMs: waitedMs, ringMs: now - offer.offeredAt });
        feed(answered);
        report(answered);
        feed(synthetic('AgentStateChanged', null, { agentId: offer.agentId, state: 'BUSY', previousState: 'AVAILABLE', reasonCode: null, interactionId: action.interactionId }));
        if (isReported(action.interactionId) && visit.facts.outcome === 'answered' && waitedMs > (visit.facts.waitedMs ?? 0)) beyond++;
        onCall.set(offer.agentId, onCall.get(offer.agentId) ?? []);
        schedule(now + visit.facts.talkMs, { kind: 'talk-end', interactionId: action.interactionId, agentId: offer.agentId, visit });
        schedule(now + visit.facts.handleMs, { kind: 'handle-end', agentId: offer.agentId });
        return;
      }
      case 'talk-end': {
        if (action.visit.facts.lastVisit) {
          const ended = synthetic('InteractionEnded', action.interactionId, { endedBy: 'CUSTOMER', durationMs: 0, agentId: action.agentId, releaseCause: null });
          feed(ended);
          report(ended);
        }
        if (action.visit.facts.handleMs > action.visit.facts.talkMs) {
          feed(synthetic('AgentStateChanged', null, { agentId: action.agentId, state: 'WRAP_UP', previousState: 'BUSY', reasonCode: null, interactionId: action.interactionId }));
        }
        return;
      }
      case 'handle-end': {
        const deferred = onCall.get(action.agentId) ?? [];
        onCall.delete(action.agentId);
        if (!deferred.some((e) => e.type !== 'AgentSkillsChanged')) {
          feed(synthetic('AgentStateChanged', null, { agentId: action.agentId, state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null }));
        }
        for (const event of deferred) feed({ ...event, metadata: { ...event.metadata, occurredAt: now } } as RoutingInput);
        return;
      }
      case 'give-up': {
        const visit = visits.get(action.interactionId);
        if (visit !== action.visit || visit.done) return;
        visit.done = true;
        const left = visit.facts.outcome !== 'left'
          ? synthetic('InteractionAbandoned', action.interactionId, { stage: visit.offer ? 'RINGING' : 'QUEUE', waitedMs: now - visit.facts.enteredAt, visitId: visit.facts.visitId, queueId: visit.queueId, position: null, ivrNodeId: null })
          : synthetic('InteractionEnded', action.interactionId, { endedBy: 'CUSTOMER', durationMs: 0, agentId: null, releaseCause: null });
        feed(left);
        report(left);
      }
    }
  };

  const runAgenda = (until: number, inclusive: boolean): void => {
    for (;;) {
      const next = agenda.peek();
      if (!next || next.at > until || (!inclusive && next.at === until)) return;
      agenda.pop();
      now = Math.max(now, next.at);
      run(next.action);
    }
  };

  let candidatePublished = options.candidate === null;
  const publishCandidate = (candidate: CandidatePolicy): void => {
    now = Math.max(now, options.from);
    feed(synthetic('RoutingPolicyPublished', null, {
      policyId: candidate.policyId, version: 1, document: candidate.text, documentSha256: '', publishedBy: 'what-if', effectiveFrom: options.from, changeNote: 'what-if candidate',
    }));
    candidatePublished = true;
  };

  for (const input of inputs) {
    const at = input.type === 'RoutingClockTicked' ? Math.max(input.data.now, input.metadata.occurredAt) : input.metadata.occurredAt;
    if (!candidatePublished && options.candidate && at >= options.from) {
      runAgenda(options.from, false);
      publishCandidate(options.candidate);
    }
    runAgenda(at, true);
    now = Math.max(now, at);
    replayed++;
    if (RECORDED_OUTCOMES.has(input.type)) continue;
    if ((input.type === 'RoutingPolicyPublished' || input.type === 'CohortPolicyPublished') && options.candidate && at >= options.from) {
      policiesLeftOut++;
      continue;
    }
    if (input.type === 'AgentStateChanged' && (input.data.state === 'BUSY' || input.data.state === 'WRAP_UP') && input.data.interactionId !== null && facts.routedInteractions.has(input.data.interactionId)) continue;
    if (AGENT_INPUTS.has(input.type)) {
      const deferred = onCall.get((input.data as { agentId: string }).agentId);
      if (deferred) {
        deferred.push(input as AnyLedgerEvent);
        continue;
      }
    }
    if (input.type === 'QueueEntered') {
      const interactionId = input.metadata.interactionId ?? '';
      const facts_ = facts.visits.get(visitKey(interactionId, input.data.visitId));
      const previous = visits.get(interactionId);
      if (previous) previous.done = true; // the decider replaces it with the new visit
      if (facts_) {
        const visit: SimVisit = { facts: facts_, queueId: input.data.queueId, offer: null, done: false };
        visits.set(interactionId, visit);
        if (facts_.patienceMs !== null) schedule(facts_.enteredAt + facts_.patienceMs, { kind: 'give-up', interactionId, visit });
      }
      report(input as AnyLedgerEvent);
      feed(input);
      continue;
    }
    if (input.type === 'CustomerIdentified') report(input as AnyLedgerEvent);
    feed(input);
  }
  if (!candidatePublished && options.candidate) publishCandidate(options.candidate);
  runAgenda(Number.MAX_SAFE_INTEGER, true);

  let unresolved = 0;
  for (const [interactionId, visit] of visits) if (!visit.done && isReported(interactionId)) unresolved++;
  return { events: reported, inputsReplayed: replayed, rejected, answeredBeyondRecordedWait: beyond, unresolved, policiesLeftOut };
}
