// The routing decider: which agent gets which call, decided from the ordered routing input of one
// routing domain (site) alone. Pure: no wall clock (time is the event time of the inputs and of
// RoutingClockTicked), no randomness, no I/O. Same input order → same decisions, byte for byte.
//
//   initialState()            an empty routing domain
//   decide(input, state)      the decisions the input causes (timers that fall due first)
//   evolve(state, input)      folds an input into the state; returns the decisions it caused
//
// Unlike Emmett's immutable decider, the state is the processor's working set and is updated in
// place: at 10,000 waiting calls and 5,000 agents a copy per event would break the 1 ms budget.
// `decide` therefore advances the state as it decides (it is `evolve` returning its decisions);
// a rejected input (unknown agent, invalid policy) throws RoutingInputRejected BEFORE any change.
// toSnapshot/fromSnapshot carry the logical state; every index is rebuilt from it in a fixed
// order, so a restored state decides exactly as the original one.
//
// Data structures (docs/routing.md): calls wait in sub-queues (queue × required-skill set), each
// an indexed heap ordered by (re-queued at front, aged priority, arrival); aging with one rate per
// queue is a static key (priority − rate·enqueuedAt), so it never needs re-sorting. Each sub-queue
// keeps its routable agents per cohort in an insertion-ordered map (= longest idle first). Timers
// are one heap by (due time, sequence). Invariant after every input: no sub-queue has both a
// waiting call and a routable agent, so a decision looks at one sub-queue or one agent's
// sub-queues, never at calls × agents.
import type {
  AgentLoggedInData, AgentLoggedOutData, AgentSkillsChangedData, AgentStateChangedData, CohortPolicyPublishedData,
  CustomerIdentifiedData, InteractionAbandonedData, InteractionAnsweredData, InteractionEndedData, InteractionOfferedData,
  LedgerEvent, LedgerEventMap, OfferDeclinedData, OfferTimedOutData, OfferWithdrawnData, QueueEnteredData,
  RoutingDecidedData, RoutingPolicyPublishedData,
} from '../../schemas/generated/events.ts';
import { IndexedHeap } from './indexed-heap.ts';
import {
  inCandidateCohort, isOpen, parseCohortPolicy, parseRoutingPolicy, PolicyValidationError,
  type CohortPolicyDocument, type QueuePolicy, type RoutingPolicyDocument, type SkillRequirement, type StrategyName, type Tier, type WhenUnavailable,
} from './routing-policy.ts';

// ───────────────────────────── inputs and outputs ─────────────────────────────

export const routingInputTypes = [
  'RoutingClockTicked', 'RoutingPolicyPublished', 'CohortPolicyPublished',
  'AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged', 'AgentSkillsChanged',
  'CustomerIdentified', 'QueueEntered', 'InteractionAnswered', 'OfferDeclined', 'OfferTimedOut',
  'InteractionAbandoned', 'InteractionEnded',
] as const;
export type RoutingInputType = (typeof routingInputTypes)[number];
export type RoutingInput = { [T in RoutingInputType]: LedgerEvent<T> }[RoutingInputType];

export const routingOutputTypes = ['RoutingDecided', 'InteractionOffered', 'OfferTimedOut', 'OfferWithdrawn', 'AgentStateChanged'] as const;
export type RoutingOutputType = (typeof routingOutputTypes)[number];

/** A decision: an event without its envelope; the runner adds ids and metadata. */
export interface Decision<T extends keyof LedgerEventMap = keyof LedgerEventMap> {
  readonly type: T;
  readonly occurredAt: number;
  readonly interactionId: string | null;
  readonly data: LedgerEventMap[T];
}
export type RoutingDecision = { [T in RoutingOutputType]: Decision<T> }[RoutingOutputType];

export type RejectionKind = 'unknown-agent' | 'unknown-interaction' | 'invalid-policy';

/** The input cannot be applied; the state is unchanged. Not retriable: the runner dead-letters it. */
export class RoutingInputRejected extends Error {
  override readonly name = 'RoutingInputRejected';
  readonly retriable = false;
  readonly kind: RejectionKind;

  constructor(kind: RejectionKind, message: string, cause?: unknown) {
    super(message, { cause });
    this.kind = kind;
  }
}

export const routingComponent = 'streams/routing';

// ───────────────────────────── state ─────────────────────────────

type CohortName = 'CURRENT' | 'CANDIDATE';
type AgentStateName = AgentStateChangedData['state'];
type StrategyEnum = RoutingDecidedData['strategy'];

interface ActivePolicy {
  readonly policyId: string;
  readonly version: number;
  readonly text: string;
  readonly document: RoutingPolicyDocument;
  readonly queues: ReadonlyMap<string, QueuePolicy>;
}

interface PendingPolicy {
  readonly kind: 'routing' | 'cohort';
  readonly policyId: string;
  readonly version: number;
  readonly text: string;
  readonly effectiveFrom: number;
  readonly seq: number;
}

interface Offer {
  readonly offerId: string;
  readonly interactionId: string;
  readonly agentId: string;
  readonly offeredAt: number;
  readonly ringTimeoutMs: number;
  readonly attempt: number;
}

interface Agent {
  readonly id: string;
  skills: Map<string, number>;
  state: AgentStateName;
  loginAt: number;
  offer: Offer | null;
  /** Interaction the agent is connected to (answered), if any. */
  onCall: string | null;
  /** Order in which agents became routable: the longest-idle order. */
  availableSeq: number;
  availableSince: number;
  callsAnswered: number;
  busyMs: number;
  busySince: number | null;
  cohort: CohortName;
  /** Sub-queues whose routable index holds this agent (when routable). */
  indexedIn: SubQueue[];
}

interface Call {
  readonly interactionId: string;
  readonly visitId: string;
  queueId: string;
  tier: Tier;
  readonly priority: number;
  readonly callSkills: readonly SkillRequirement[];
  requiredSkills: readonly SkillRequirement[];
  /** Visit start: aging counts from here, whatever queue the call moved to. */
  readonly enqueuedAt: number;
  /** Entry into the current queue: overflow steps count from here. */
  queueEnteredAt: number;
  readonly seq: number;
  /** > 0: re-queued at the front (ring-no-answer, withdrawn offer), in this order. */
  front: number;
  attempts: number;
  overflowStep: number;
  relationshipAgentId: string | null;
  /** While waiting for the relationship agent: until when. */
  relationshipUntil: number | null;
  offer: Offer | null;
  declinedBy: string[];
  // derived (rebuilt on restore)
  key: number;
  sub: SubQueue | null;
  heapIndex: number;
}

interface SubQueue {
  readonly key: string;
  readonly queueId: string;
  readonly skills: readonly SkillRequirement[];
  readonly calls: IndexedHeap<Call>;
  readonly routable: Record<CohortName, Map<string, Agent>>;
  /** Logged-in agents with the skills, routable or not (for the WAIT reason). */
  qualified: number;
}

type TimerKind = 'ring' | 'overflow' | 'relationship' | 'policy';
interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly kind: TimerKind;
  /** interaction id (ring, overflow, relationship) or pending policy seq. */
  readonly ref: string;
  /** offer id (ring), overflow step (overflow). */
  readonly detail: string;
  heapIndex: number;
}

export interface RoutingState {
  now: number;
  seq: number;
  current: ActivePolicy;
  candidate: ActivePolicy | null;
  cohort: { policyId: string; version: number; text: string; document: CohortPolicyDocument } | null;
  /** Highest version seen per policy id (routing and cohort), refusing replays of old versions. */
  versions: Map<string, number>;
  /** Valid candidate-stage routing policies by `policyId@version`. */
  candidates: Map<string, { policyId: string; version: number; text: string }>;
  pending: PendingPolicy[];
  agents: Map<string, Agent>;
  calls: Map<string, Call>;
  /** Tier and relationship agent learnt before (or while) the call queues. */
  identified: Map<string, { tier: Tier; relationshipAgentId: string | null }>;
  /** VIP calls waiting for their relationship agent, per agent id. */
  relationshipWaits: Map<string, Set<Call>>;
  subQueues: Map<string, SubQueue>;
  queueLengths: Map<string, number>;
  timers: IndexedHeap<Timer>;
  roundRobin: Map<string, string>;
  /** Counters of rejected inputs by kind (mirrors the dead letters the runner writes). */
  rejected: Record<RejectionKind, number>;
}

const builtinPolicyText = JSON.stringify({ queues: [{ id: 'default', requiredSkills: [] }] });
const builtinPolicyId = 'builtin-default';

function activate(policyId: string, version: number, text: string): ActivePolicy {
  const document = parseRoutingPolicy(policyId, version, text);
  return { policyId, version, text, document, queues: new Map(document.queues.map((q) => [q.id, q])) };
}

export function initialState(): RoutingState {
  return {
    now: 0,
    seq: 0,
    current: activate(builtinPolicyId, 0, builtinPolicyText),
    candidate: null,
    cohort: null,
    versions: new Map(),
    candidates: new Map(),
    pending: [],
    agents: new Map(),
    calls: new Map(),
    identified: new Map(),
    relationshipWaits: new Map(),
    subQueues: new Map(),
    queueLengths: new Map(),
    timers: new IndexedHeap<Timer>(timerBefore),
    roundRobin: new Map(),
    rejected: { 'unknown-agent': 0, 'unknown-interaction': 0, 'invalid-policy': 0 },
  };
}

function timerBefore(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Calls come out: re-queued-at-front first (in their order), then highest aged priority, then arrival. */
function callBefore(a: Call, b: Call): boolean {
  if (a.front !== b.front) {
    if (a.front === 0) return false;
    if (b.front === 0) return true;
    return a.front < b.front;
  }
  if (a.key !== b.key) return a.key > b.key;
  return a.seq < b.seq;
}

// ───────────────────────────── policy helpers ─────────────────────────────

const strategyEnum: Readonly<Record<StrategyName, StrategyEnum>> = {
  'longest-idle': 'LONGEST_IDLE',
  'least-occupied': 'LEAST_OCCUPIED',
  'fewest-calls': 'FEWEST_CALLS',
  'skill-weighted': 'SKILLS_BASED',
  'round-robin': 'ROUND_ROBIN',
};

function queuePolicy(policy: ActivePolicy, queueId: string): QueuePolicy | undefined {
  return policy.queues.get(queueId);
}

function policyOf(state: RoutingState, cohort: CohortName): ActivePolicy {
  return cohort === 'CANDIDATE' && state.candidate ? state.candidate : state.current;
}

function agingRate(policy: ActivePolicy, queueId: string): number {
  return queuePolicy(policy, queueId)?.agingPointsPerSecond ?? policy.document.agingPointsPerSecond ?? 1;
}

function basePriority(policy: ActivePolicy, call: Call): number {
  const tierPriority = policy.document.tiers?.[call.tier]?.priority ?? defaultTierPriority[call.tier];
  return call.priority + tierPriority + (queuePolicy(policy, call.queueId)?.priority ?? 0);
}

const defaultTierPriority: Readonly<Record<Tier, number>> = { VIP: 1000, PRIORITY: 100, STANDARD: 0, UNKNOWN: 0 };

/** Static heap key: aged priority minus the part every call of the queue gains alike. */
function callKey(policy: ActivePolicy, call: Call): number {
  return basePriority(policy, call) - (agingRate(policy, call.queueId) * call.enqueuedAt) / 1000;
}

/** Aged priority at `now`: base + rate × seconds waited (FreeSWITCH's caller score). */
function agedPriority(policy: ActivePolicy, call: Call, now: number): number {
  return call.key + (agingRate(policy, call.queueId) * now) / 1000;
}

function mergeSkills(a: readonly SkillRequirement[], b: readonly SkillRequirement[]): SkillRequirement[] {
  const merged = new Map<string, number>();
  for (const r of [...a, ...b]) merged.set(r.skill, Math.max(merged.get(r.skill) ?? 0, r.minProficiency));
  return [...merged.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([skill, minProficiency]) => ({ skill, minProficiency }));
}

function skillsKey(skills: readonly SkillRequirement[]): string {
  return skills.map((s) => `${s.skill}>=${s.minProficiency}`).join(',');
}

function describeSkills(skills: readonly SkillRequirement[]): string {
  return skills.length === 0 ? 'no skills' : skills.map((s) => `${s.skill}≥${s.minProficiency}`).join(', ');
}

function qualifies(agent: Agent, skills: readonly SkillRequirement[]): boolean {
  for (const r of skills) if ((agent.skills.get(r.skill) ?? 0) < r.minProficiency) return false;
  return true;
}

function routable(agent: Agent): boolean {
  return agent.state === 'AVAILABLE' && agent.offer === null && agent.onCall === null;
}

// ───────────────────────────── the decider ─────────────────────────────

/** Emits decisions with the time they take effect. */
class Out {
  readonly events: RoutingDecision[] = [];
  push<T extends RoutingOutputType>(type: T, at: number, interactionId: string | null, data: LedgerEventMap[T]): void {
    this.events.push({ type, occurredAt: at, interactionId, data } as RoutingDecision);
  }
}

/** The decisions the input causes; advances the state (see the header). Throws RoutingInputRejected, state unchanged. */
export function decide(input: RoutingInput, state: RoutingState): RoutingDecision[] {
  const prepared = validate(state, input);
  const out = new Out();
  const eventTime = input.type === 'RoutingClockTicked' ? Math.max(input.data.now, input.metadata.occurredAt) : input.metadata.occurredAt;
  advanceTo(state, eventTime, out);
  apply(state, input, prepared, out);
  return out.events;
}

/** Folds an input into the state (a rebuild from the log): decide, keeping the state and dropping the decisions. */
export function evolve(state: RoutingState, input: RoutingInput): RoutingState {
  decide(input, state);
  return state;
}

/** Everything that can refuse the input, checked before the state changes. */
function validate(state: RoutingState, input: RoutingInput): unknown {
  const rejectIf = (kind: RejectionKind, condition: boolean, message: string): void => {
    if (!condition) return;
    state.rejected[kind]++;
    throw new RoutingInputRejected(kind, message);
  };
  switch (input.type) {
    case 'RoutingPolicyPublished': {
      const { policyId, version, document } = input.data;
      const running = state.versions.get(`routing:${policyId}`);
      rejectIf('invalid-policy', running !== undefined && version <= running, `routing policy ${policyId} v${version} refused: version: must be greater than the last published version ${running} [monotonic]; the running policy stays`);
      try {
        return parseRoutingPolicy(policyId, version, document);
      } catch (error) {
        state.rejected['invalid-policy']++;
        const message = error instanceof PolicyValidationError ? error.message : String(error);
        throw new RoutingInputRejected('invalid-policy', `${message}; the running policy ${state.current.policyId} v${state.current.version} stays`, error);
      }
    }
    case 'CohortPolicyPublished': {
      const { policyId, version, document } = input.data;
      const running = state.versions.get(`cohort:${policyId}`);
      rejectIf('invalid-policy', running !== undefined && version <= running, `cohort policy ${policyId} v${version} refused: version: must be greater than the last published version ${running} [monotonic]`);
      let parsed: CohortPolicyDocument;
      try {
        parsed = parseCohortPolicy(policyId, version, document);
      } catch (error) {
        state.rejected['invalid-policy']++;
        throw new RoutingInputRejected('invalid-policy', `${(error as Error).message}; the running cohort policy stays`, error);
      }
      const ref = `${parsed.candidate.policyId}@${parsed.candidate.version}`;
      rejectIf('invalid-policy', !state.candidates.has(ref), `cohort policy ${policyId} v${version} refused: candidate: names routing policy ${ref}, which was not published as a valid candidate [known-candidate]`);
      return parsed;
    }
    case 'AgentLoggedOut':
    case 'AgentSkillsChanged':
      rejectIf('unknown-agent', !state.agents.has(input.data.agentId), `${input.type}: agentId: agent '${input.data.agentId}' is not logged in at this site [unknown-agent]`);
      return undefined;
    case 'AgentStateChanged':
      rejectIf('unknown-agent', !state.agents.has(input.data.agentId) && input.data.state !== 'OFFLINE', `AgentStateChanged: agentId: agent '${input.data.agentId}' is not logged in at this site [unknown-agent]`);
      return undefined;
    case 'InteractionAnswered':
      rejectIf('unknown-interaction', input.data.queueId !== null && !state.calls.has(interactionOf(input)), `InteractionAnswered: metadata.interactionId: interaction '${interactionOf(input)}' is not queued at this site [unknown-interaction]`);
      return undefined;
    case 'OfferDeclined':
    case 'OfferTimedOut':
      rejectIf('unknown-interaction', !state.calls.has(interactionOf(input)), `${input.type}: metadata.interactionId: interaction '${interactionOf(input)}' is not queued at this site [unknown-interaction]`);
      rejectIf('unknown-agent', !state.agents.has(input.data.agentId), `${input.type}: agentId: agent '${input.data.agentId}' is not logged in at this site [unknown-agent]`);
      return undefined;
    default:
      return undefined;
  }
}

function interactionOf(input: RoutingInput): string {
  return input.metadata.interactionId ?? '';
}

function apply(state: RoutingState, input: RoutingInput, prepared: unknown, out: Out): void {
  switch (input.type) {
    case 'RoutingClockTicked':
      return;
    case 'RoutingPolicyPublished':
      return publishRouting(state, input.data, prepared as RoutingPolicyDocument, out);
    case 'CohortPolicyPublished':
      return publishCohort(state, input.data, out);
    case 'AgentLoggedIn':
      return agentLoggedIn(state, input.data, out);
    case 'AgentLoggedOut':
      return agentLoggedOut(state, input.data, out);
    case 'AgentStateChanged':
      return agentStateChanged(state, input.data, out);
    case 'AgentSkillsChanged':
      return agentSkillsChanged(state, input.data, out);
    case 'CustomerIdentified':
      return customerIdentified(state, interactionOf(input), input.data);
    case 'QueueEntered':
      return queueEntered(state, interactionOf(input), input.data, out);
    case 'InteractionAnswered':
      return answered(state, interactionOf(input), input.data, out);
    case 'OfferDeclined':
      return offerEnded(state, interactionOf(input), input.data, 'declined', out);
    case 'OfferTimedOut':
      return offerEnded(state, interactionOf(input), input.data, 'timed-out', out);
    case 'InteractionAbandoned':
      return callGone(state, interactionOf(input), 'CALLER_ABANDONED', input.data, out);
    case 'InteractionEnded':
      callGone(state, interactionOf(input), 'INTERACTION_ENDED', input.data, out);
      state.identified.delete(interactionOf(input));
      return;
  }
}

// ───────────────────────────── time ─────────────────────────────

function schedule(state: RoutingState, at: number, kind: TimerKind, ref: string, detail: string): void {
  state.timers.push({ at, seq: ++state.seq, kind, ref, detail, heapIndex: -1 });
}

/** Fires every timer due up to `time`, in (due, seq) order, each at its own time. */
function advanceTo(state: RoutingState, time: number, out: Out): void {
  for (;;) {
    const timer = state.timers.peek();
    if (!timer || timer.at > time) break;
    state.timers.pop();
    if (timer.at > state.now) state.now = timer.at;
    fire(state, timer, out);
  }
  if (time > state.now) state.now = time;
}

function fire(state: RoutingState, timer: Timer, out: Out): void {
  if (timer.kind === 'policy') {
    const index = state.pending.findIndex((p) => String(p.seq) === timer.ref);
    if (index < 0) return;
    const [pending] = state.pending.splice(index, 1);
    if (pending.kind === 'routing') installRouting(state, pending.policyId, pending.version, pending.text, out);
    else installCohort(state, pending.policyId, pending.version, pending.text, out);
    return;
  }
  const call = state.calls.get(timer.ref);
  if (!call) return;
  if (timer.kind === 'ring') {
    if (call.offer?.offerId !== timer.detail) return;
    ringNoAnswer(state, call, out, true);
  } else if (timer.kind === 'relationship') {
    if (call.relationshipUntil !== timer.at) return;
    const agentId = call.relationshipAgentId ?? '';
    stopRelationshipWait(state, call);
    toVipQueue(state, call, `VIP: relationship agent ${agentId} not available within ${Math.round((state.current.document.vip?.relationshipAgentWaitSeconds ?? 0))} s`, out);
  } else if (timer.kind === 'overflow') {
    if (call.offer !== null || call.sub === null || overflowTag(state, call) !== timer.detail) return;
    overflow(state, call, out);
  }
}

// ───────────────────────────── policies ─────────────────────────────

function publishRouting(state: RoutingState, data: RoutingPolicyPublishedData, document: RoutingPolicyDocument, out: Out): void {
  state.versions.set(`routing:${data.policyId}`, data.version);
  if (document.stage === 'candidate') {
    state.candidates.set(`${data.policyId}@${data.version}`, { policyId: data.policyId, version: data.version, text: data.document });
    return;
  }
  if (data.effectiveFrom > state.now) {
    const pending: PendingPolicy = { kind: 'routing', policyId: data.policyId, version: data.version, text: data.document, effectiveFrom: data.effectiveFrom, seq: ++state.seq };
    state.pending.push(pending);
    schedule(state, data.effectiveFrom, 'policy', String(pending.seq), '');
    return;
  }
  installRouting(state, data.policyId, data.version, data.document, out);
}

function publishCohort(state: RoutingState, data: CohortPolicyPublishedData, out: Out): void {
  state.versions.set(`cohort:${data.policyId}`, data.version);
  if (data.effectiveFrom > state.now) {
    const pending: PendingPolicy = { kind: 'cohort', policyId: data.policyId, version: data.version, text: data.document, effectiveFrom: data.effectiveFrom, seq: ++state.seq };
    state.pending.push(pending);
    schedule(state, data.effectiveFrom, 'policy', String(pending.seq), '');
    return;
  }
  installCohort(state, data.policyId, data.version, data.document, out);
}

function installRouting(state: RoutingState, policyId: string, version: number, text: string, out: Out): void {
  state.current = activate(policyId, version, text);
  // A released version at or past the candidate's retires the gray release.
  if (state.candidate && state.candidate.policyId === policyId && version >= state.candidate.version) {
    state.candidate = null;
    state.cohort = null;
  }
  reindexEverything(state, out);
}

function installCohort(state: RoutingState, policyId: string, version: number, text: string, out: Out): void {
  const document = parseCohortPolicy(policyId, version, text);
  const candidate = state.candidates.get(`${document.candidate.policyId}@${document.candidate.version}`);
  if (!candidate) return;
  state.cohort = { policyId, version, text, document };
  state.candidate = activate(candidate.policyId, candidate.version, candidate.text);
  reindexEverything(state, out);
}

function cohortOf(state: RoutingState, agentId: string): CohortName {
  return state.cohort && state.candidate && inCandidateCohort(state.cohort.document, agentId) ? 'CANDIDATE' : 'CURRENT';
}

/** After a policy change: recompute every key, sub-queue and agent index, then match in a fixed order. */
function reindexEverything(state: RoutingState, out: Out): void {
  for (const agent of state.agents.values()) {
    unindexAgent(agent);
    agent.cohort = cohortOf(state, agent.id);
  }
  const waiting = [...state.calls.values()].filter((c) => c.sub !== null).sort((a, b) => a.seq - b.seq);
  for (const call of waiting) call.sub?.calls.remove(call);
  state.subQueues.clear();
  for (const call of [...state.calls.values()].sort((a, b) => a.seq - b.seq)) {
    call.requiredSkills = mergeSkills(queuePolicy(state.current, call.queueId)?.requiredSkills ?? [], call.callSkills);
    call.key = callKey(state.current, call);
    call.sub = null;
  }
  for (const call of waiting) {
    placeInSubQueue(state, call);
    scheduleOverflow(state, call);
  }
  const agents = [...state.agents.values()].filter(routable).sort((a, b) => a.availableSeq - b.availableSeq);
  for (const agent of agents) indexAgent(state, agent);
  for (const agent of agents) if (routable(agent)) matchAgent(state, agent, 'policy change', out);
  // Calls that still wait may now have agents of the other cohort (indexes are rebuilt above).
  for (const call of waiting) if (call.sub !== null && call.offer === null) matchCall(state, call, null, out);
}

// ───────────────────────────── indexes ─────────────────────────────

function subQueueFor(state: RoutingState, queueId: string, skills: readonly SkillRequirement[]): SubQueue {
  const key = `${queueId}|${skillsKey(skills)}`;
  let sub = state.subQueues.get(key);
  if (!sub) {
    sub = { key, queueId, skills, calls: new IndexedHeap<Call>(callBefore), routable: { CURRENT: new Map(), CANDIDATE: new Map() }, qualified: 0 };
    state.subQueues.set(key, sub);
    for (const agent of state.agents.values()) if (qualifies(agent, skills)) sub.qualified++;
    const agents = [...state.agents.values()].filter((a) => routable(a) && qualifies(a, skills)).sort((a, b) => a.availableSeq - b.availableSeq);
    for (const agent of agents) {
      sub.routable[agent.cohort].set(agent.id, agent);
      agent.indexedIn.push(sub);
    }
  }
  return sub;
}

function placeInSubQueue(state: RoutingState, call: Call): void {
  const sub = subQueueFor(state, call.queueId, call.requiredSkills);
  call.sub = sub;
  sub.calls.push(call);
}

function takeOutOfSubQueue(call: Call): void {
  call.sub?.calls.remove(call);
  call.sub = null;
}

function indexAgent(state: RoutingState, agent: Agent): void {
  for (const sub of state.subQueues.values()) {
    if (qualifies(agent, sub.skills)) {
      sub.routable[agent.cohort].set(agent.id, agent);
      agent.indexedIn.push(sub);
    }
  }
}

function unindexAgent(agent: Agent): void {
  for (const sub of agent.indexedIn) {
    sub.routable.CURRENT.delete(agent.id);
    sub.routable.CANDIDATE.delete(agent.id);
  }
  agent.indexedIn = [];
}

/** The agent became routable: it goes to the back of the idle order, then takes a call if one waits. */
function becameRoutable(state: RoutingState, agent: Agent, why: string, out: Out): void {
  unindexAgent(agent);
  agent.availableSeq = ++state.seq;
  agent.availableSince = state.now;
  indexAgent(state, agent);
  matchAgent(state, agent, why, out);
}

function queueLength(state: RoutingState, queueId: string): number {
  return state.queueLengths.get(queueId) ?? 0;
}

function changeQueueLength(state: RoutingState, queueId: string, delta: number): void {
  const length = queueLength(state, queueId) + delta;
  if (length === 0) state.queueLengths.delete(queueId);
  else state.queueLengths.set(queueId, length);
}

// ───────────────────────────── agents ─────────────────────────────

function agentLoggedIn(state: RoutingState, data: AgentLoggedInData, out: Out): void {
  const existing = state.agents.get(data.agentId);
  if (existing) agentLoggedOut(state, { agentId: data.agentId, reason: 'OTHER', sessionMs: 0 }, out);
  const agent: Agent = {
    id: data.agentId,
    skills: new Map(data.skills.map((s) => [s.skill, s.proficiency])),
    state: 'UNKNOWN',
    loginAt: state.now,
    offer: null,
    onCall: null,
    availableSeq: 0,
    availableSince: state.now,
    callsAnswered: 0,
    busyMs: 0,
    busySince: null,
    cohort: cohortOf(state, data.agentId),
    indexedIn: [],
  };
  state.agents.set(agent.id, agent);
  countQualified(state, agent, 1);
}

function agentLoggedOut(state: RoutingState, data: AgentLoggedOutData, out: Out): void {
  const agent = state.agents.get(data.agentId);
  if (!agent) return;
  unindexAgent(agent);
  state.agents.delete(agent.id);
  countQualified(state, agent, -1);
  if (agent.offer) withdraw(state, agent, 'AGENT_LOGGED_OUT', out);
  // VIPs waiting for this relationship agent stop waiting: the agent is gone.
  const waits = state.relationshipWaits.get(agent.id);
  if (waits) {
    for (const call of [...waits].sort((a, b) => a.seq - b.seq)) {
      stopRelationshipWait(state, call);
      toVipQueue(state, call, `VIP: relationship agent ${agent.id} logged out`, out);
    }
  }
}

function agentStateChanged(state: RoutingState, data: AgentStateChangedData, out: Out): void {
  const agent = state.agents.get(data.agentId);
  if (!agent) return; // OFFLINE of an agent already gone
  const before = agent.state;
  if (before === data.state) return;
  const busy = (s: AgentStateName): boolean => s === 'BUSY' || s === 'WRAP_UP';
  if (busy(before) && agent.busySince !== null) {
    agent.busyMs += state.now - agent.busySince;
    agent.busySince = null;
  }
  if (busy(data.state)) agent.busySince = state.now;
  agent.state = data.state;
  if (data.state === 'AVAILABLE') {
    agent.onCall = null;
    if (agent.offer === null) becameRoutable(state, agent, 'agent became available', out);
    return;
  }
  unindexAgent(agent);
  if (agent.offer) {
    // BUSY with the offered call is the answer arriving; anything else ends the offer.
    const answering = data.state === 'BUSY' && data.interactionId !== null && state.calls.get(data.interactionId)?.offer?.offerId === agent.offer.offerId;
    if (!answering) withdraw(state, agent, 'AGENT_NOT_READY', out);
  }
}

function agentSkillsChanged(state: RoutingState, data: AgentSkillsChangedData, out: Out): void {
  const agent = state.agents.get(data.agentId);
  if (!agent) return;
  countQualified(state, agent, -1);
  agent.skills = new Map(data.skills.map((s) => [s.skill, s.proficiency]));
  countQualified(state, agent, 1);
  if (!routable(agent)) return;
  unindexAgent(agent);
  indexAgent(state, agent); // keeps its place in the idle order (availableSeq unchanged)
  reorderIndexes(agent);
  matchAgent(state, agent, 'agent skills changed', out);
}

/** Re-inserting into a sub-queue index puts the agent last; restore the idle order by availableSeq. */
function reorderIndexes(agent: Agent): void {
  for (const sub of agent.indexedIn) {
    const index = sub.routable[agent.cohort];
    const entries = [...index.values()].sort((a, b) => a.availableSeq - b.availableSeq);
    index.clear();
    for (const a of entries) index.set(a.id, a);
  }
}

// ───────────────────────────── calls ─────────────────────────────

function customerIdentified(state: RoutingState, interactionId: string, data: CustomerIdentifiedData): void {
  state.identified.set(interactionId, { tier: data.tier, relationshipAgentId: data.relationshipAgentId });
  const call = state.calls.get(interactionId);
  if (!call) return;
  if (data.relationshipAgentId !== null) call.relationshipAgentId = data.relationshipAgentId;
  if (data.tier !== 'UNKNOWN' && data.tier !== call.tier) {
    call.tier = data.tier;
    call.key = callKey(state.current, call);
    call.sub?.calls.update(call);
  }
}

function decided(state: RoutingState, call: Call, fields: Partial<RoutingDecidedData> & Pick<RoutingDecidedData, 'outcome' | 'reason'>, out: Out): void {
  const policy = state.current;
  out.push('RoutingDecided', state.now, call.interactionId, {
    visitId: call.visitId,
    queueId: call.queueId,
    agentId: null,
    overflowQueueId: null,
    strategy: strategyEnum[queuePolicy(policy, call.queueId)?.strategy ?? policy.document.defaultStrategy ?? 'longest-idle'],
    policyId: policy.policyId,
    policyVersion: policy.version,
    cohort: 'CURRENT',
    candidatesConsidered: 0,
    candidates: [],
    winningScore: null,
    ...fields,
  });
}

function queueEntered(state: RoutingState, interactionId: string, data: QueueEnteredData, out: Out): void {
  const previous = state.calls.get(interactionId);
  if (previous) removeCall(state, previous, 'OTHER', out);
  const identified = state.identified.get(interactionId);
  const tier: Tier = data.tier !== 'UNKNOWN' ? data.tier : (identified?.tier ?? 'UNKNOWN');
  const call: Call = {
    interactionId,
    visitId: data.visitId,
    queueId: data.queueId,
    tier,
    priority: data.priority,
    callSkills: data.requiredSkills.map((r) => ({ skill: r.skill, minProficiency: r.minProficiency })),
    requiredSkills: [],
    enqueuedAt: state.now,
    queueEnteredAt: state.now,
    seq: ++state.seq,
    front: 0,
    attempts: 0,
    overflowStep: 0,
    relationshipAgentId: identified?.relationshipAgentId ?? null,
    relationshipUntil: null,
    offer: null,
    declinedBy: [],
    key: 0,
    sub: null,
    heapIndex: -1,
  };
  // Closed or full: overflow to the named queue (once, to avoid loops) or refuse.
  const target = admissionTarget(state, data.queueId);
  if (target.refused !== null) {
    const fake = { ...call };
    decided(state, fake, { outcome: 'OTHER', reason: target.refused }, out);
    return;
  }
  state.calls.set(interactionId, call);
  if (target.queueId !== data.queueId) {
    call.queueId = target.queueId;
    decided(state, call, { queueId: data.queueId, outcome: 'OVERFLOW', overflowQueueId: target.queueId, reason: target.reason }, out);
  }
  changeQueueLength(state, call.queueId, 1);
  call.requiredSkills = mergeSkills(queuePolicy(state.current, call.queueId)?.requiredSkills ?? [], call.callSkills);
  call.key = callKey(state.current, call);
  routeNewCall(state, call, out);
}

function admissionTarget(state: RoutingState, queueId: string): { queueId: string; refused: string | null; reason: string } {
  const check = (id: string): { ok: true } | { ok: false; when: WhenUnavailable | undefined; why: string } => {
    const q = queuePolicy(state.current, id);
    if (q?.businessHours && !isOpen(q.businessHours, state.now)) return { ok: false, when: q.businessHours.whenClosed, why: `queue ${id} is closed (business hours)` };
    if (q?.maxLength !== undefined && queueLength(state, id) >= q.maxLength) return { ok: false, when: q.whenFull ?? { action: 'reject' }, why: `queue ${id} is full (maxLength ${q.maxLength})` };
    return { ok: true };
  };
  const first = check(queueId);
  if (first.ok) return { queueId, refused: null, reason: '' };
  if (first.when?.action === 'overflow' && first.when.queueId !== undefined) {
    const second = check(first.when.queueId);
    if (second.ok) return { queueId: first.when.queueId, refused: null, reason: `${first.why} → overflow to ${first.when.queueId}` };
    return { queueId, refused: `${first.why}; overflow queue: ${second.why} → refused`, reason: '' };
  }
  return { queueId, refused: `${first.why} → refused`, reason: '' };
}

/** A new call: its relationship agent first (VIP), else its queue. */
function routeNewCall(state: RoutingState, call: Call, out: Out): void {
  const vip = state.current.document.vip;
  if (call.tier === 'VIP' && vip) {
    const agentId = call.relationshipAgentId;
    const agent = agentId !== null ? state.agents.get(agentId) : undefined;
    if (agent && routable(agent)) {
      offer(state, call, agent, 'RELATIONSHIP_AGENT', `VIP → relationship agent ${agent.id}`, 1, [{ agentId: agent.id, score: 1, excludedBecause: null }], 1, out);
      return;
    }
    if (agent && vip.relationshipAgentWaitSeconds > 0) {
      call.relationshipUntil = state.now + vip.relationshipAgentWaitSeconds * 1000;
      let waits = state.relationshipWaits.get(agent.id);
      if (!waits) state.relationshipWaits.set(agent.id, (waits = new Set()));
      waits.add(call);
      schedule(state, call.relationshipUntil, 'relationship', call.interactionId, '');
      decided(state, call, {
        outcome: 'WAIT', strategy: 'RELATIONSHIP_AGENT', candidatesConsidered: 1,
        candidates: [{ agentId: agent.id, score: 0, excludedBecause: agent.offer ? 'ringing with another call' : agent.state }],
        reason: `VIP: waiting up to ${vip.relationshipAgentWaitSeconds} s for relationship agent ${agent.id} (${agent.offer ? 'ringing' : agent.state})`,
      }, out);
      return;
    }
    if (vip.queueId !== undefined && vip.queueId !== call.queueId) {
      toVipQueue(state, call, agentId ? `VIP: relationship agent ${agentId} not logged in → VIP queue ${vip.queueId}` : `VIP → VIP queue ${vip.queueId}`, out);
      return;
    }
  }
  enterQueue(state, call, out);
}

function stopRelationshipWait(state: RoutingState, call: Call): void {
  if (call.relationshipAgentId !== null) {
    const waits = state.relationshipWaits.get(call.relationshipAgentId);
    waits?.delete(call);
    if (waits?.size === 0) state.relationshipWaits.delete(call.relationshipAgentId);
  }
  call.relationshipUntil = null;
}

function toVipQueue(state: RoutingState, call: Call, reason: string, out: Out): void {
  const vipQueue = state.current.document.vip?.queueId;
  if (vipQueue !== undefined && vipQueue !== call.queueId) {
    decided(state, call, { outcome: 'OVERFLOW', overflowQueueId: vipQueue, strategy: 'VIP_DEDICATED', reason }, out);
    moveToQueue(state, call, vipQueue);
  }
  enterQueue(state, call, out);
}

function moveToQueue(state: RoutingState, call: Call, queueId: string): void {
  changeQueueLength(state, call.queueId, -1);
  call.queueId = queueId;
  changeQueueLength(state, queueId, 1);
  call.queueEnteredAt = state.now;
  call.overflowStep = 0;
  call.requiredSkills = mergeSkills(queuePolicy(state.current, queueId)?.requiredSkills ?? [], call.callSkills);
  call.key = callKey(state.current, call);
}

/** Into the sub-queue: offered at once if an agent is free, else it waits (WAIT says why). */
function enterQueue(state: RoutingState, call: Call, out: Out): void {
  placeInSubQueue(state, call);
  scheduleOverflow(state, call);
  matchCall(state, call, 'queued', out);
}

function scheduleOverflow(state: RoutingState, call: Call): void {
  const step = queuePolicy(state.current, call.queueId)?.overflow?.[call.overflowStep];
  if (step) schedule(state, call.queueEnteredAt + step.afterSeconds * 1000, 'overflow', call.interactionId, overflowTag(state, call));
}

/** Identifies the overflow step a timer was set for: a move, a widening or a new policy makes older timers stale. */
function overflowTag(state: RoutingState, call: Call): string {
  return `${call.overflowStep}|${call.queueId}|${call.queueEnteredAt}|${state.current.policyId}@${state.current.version}`;
}

function overflow(state: RoutingState, call: Call, out: Out): void {
  const step = queuePolicy(state.current, call.queueId)?.overflow?.[call.overflowStep];
  if (!step) return;
  takeOutOfSubQueue(call);
  const waited = Math.round((state.now - call.queueEnteredAt) / 1000);
  if (step.queueId !== undefined) {
    decided(state, call, { outcome: 'OVERFLOW', overflowQueueId: step.queueId, reason: `waited ${waited} s in ${call.queueId} (overflow after ${step.afterSeconds} s) → ${step.queueId}` }, out);
    moveToQueue(state, call, step.queueId);
  } else {
    const widened = mergeSkills(step.widenSkills ?? [], call.callSkills.filter((r) => !(step.widenSkills ?? []).some((w) => w.skill === r.skill)));
    decided(state, call, { outcome: 'OVERFLOW', overflowQueueId: call.queueId, reason: `waited ${waited} s in ${call.queueId} (overflow after ${step.afterSeconds} s) → skills widened to ${describeSkills(widened)}` }, out);
    call.overflowStep++;
    call.requiredSkills = widened;
    call.key = callKey(state.current, call);
  }
  enterQueue(state, call, out);
}

function answered(state: RoutingState, interactionId: string, data: InteractionAnsweredData, out: Out): void {
  const call = state.calls.get(interactionId);
  if (!call) return;
  const offered = call.offer;
  removeCall(state, call, null, out);
  const agent = state.agents.get(data.agentId);
  if (agent) {
    if (agent.offer && agent.offer.offerId !== offered?.offerId) withdraw(state, agent, 'OTHER', out);
    unindexAgent(agent);
    agent.offer = null;
    agent.onCall = interactionId;
    agent.callsAnswered++;
  }
  if (offered && offered.agentId !== data.agentId) {
    const ringing = state.agents.get(offered.agentId);
    if (ringing) {
      ringing.offer = null;
      if (routable(ringing)) becameRoutable(state, ringing, 'offered call answered elsewhere', out);
    }
  }
}

function offerEnded(state: RoutingState, interactionId: string, data: OfferDeclinedData | OfferTimedOutData, how: 'declined' | 'timed-out', out: Out): void {
  const call = state.calls.get(interactionId);
  if (!call || call.offer?.offerId !== data.offerId) return; // a late report of an offer already over
  if (how === 'timed-out') ringNoAnswer(state, call, out, false);
  else {
    const agent = state.agents.get(call.offer.agentId);
    call.declinedBy.push(call.offer.agentId);
    call.offer = null;
    if (agent) agent.offer = null;
    requeueAtFront(state, call, out);
    if (agent && routable(agent)) becameRoutable(state, agent, 'agent declined an offer', out);
  }
}

/** Ring-no-answer: the call goes back to the front; the agent is set not-ready if the policy says so. */
function ringNoAnswer(state: RoutingState, call: Call, out: Out, emitTimeout: boolean): void {
  const offered = call.offer;
  if (!offered) return;
  const agent = state.agents.get(offered.agentId);
  if (emitTimeout) out.push('OfferTimedOut', state.now, call.interactionId, { offerId: offered.offerId, agentId: offered.agentId, ringMs: state.now - offered.offeredAt });
  call.offer = null;
  call.declinedBy.push(offered.agentId);
  if (agent) {
    agent.offer = null;
    const rna = policyOf(state, agent.cohort).document.ringNoAnswer ?? { agentState: 'BREAK', reasonCode: 'ring-no-answer' };
    if (rna.agentState !== null) {
      out.push('AgentStateChanged', state.now, null, { agentId: agent.id, state: rna.agentState, previousState: agent.state, reasonCode: rna.reasonCode ?? 'ring-no-answer', interactionId: call.interactionId });
      agent.state = rna.agentState;
      unindexAgent(agent);
    }
  }
  requeueAtFront(state, call, out);
  if (agent && routable(agent)) becameRoutable(state, agent, 'ring-no-answer, agent stays available', out);
}

function requeueAtFront(state: RoutingState, call: Call, out: Out): void {
  call.front = ++state.seq;
  // Overflow steps that fell due while it rang apply now.
  const steps = queuePolicy(state.current, call.queueId)?.overflow ?? [];
  const due = steps[call.overflowStep];
  if (due && call.queueEnteredAt + due.afterSeconds * 1000 <= state.now) {
    placeInSubQueue(state, call);
    overflow(state, call, out);
    return;
  }
  enterQueue(state, call, out);
}

/** The agent's ringing offer ends without an answer (logout, not-ready): the call goes back to the front. */
function withdraw(state: RoutingState, agent: Agent, reason: OfferWithdrawnData['reason'], out: Out): void {
  const offered = agent.offer;
  if (!offered) return;
  agent.offer = null;
  const call = findCallByOffer(state, offered);
  out.push('OfferWithdrawn', state.now, call?.interactionId ?? null, { offerId: offered.offerId, agentId: agent.id, reason, ringMs: state.now - offered.offeredAt });
  if (call) {
    call.offer = null;
    requeueAtFront(state, call, out);
  }
}

function findCallByOffer(state: RoutingState, offered: Offer): Call | undefined {
  const call = state.calls.get(offered.interactionId);
  return call?.offer?.offerId === offered.offerId ? call : undefined;
}

/** The call left (abandoned, ended, replaced by a new visit): forget it; a ringing agent is freed. */
function callGone(state: RoutingState, interactionId: string, reason: OfferWithdrawnData['reason'], _data: InteractionAbandonedData | InteractionEndedData, out: Out): void {
  const call = state.calls.get(interactionId);
  if (call) removeCall(state, call, reason, out);
}

function removeCall(state: RoutingState, call: Call, withdrawReason: OfferWithdrawnData['reason'] | null, out: Out): void {
  takeOutOfSubQueue(call);
  stopRelationshipWait(state, call);
  state.calls.delete(call.interactionId);
  changeQueueLength(state, call.queueId, -1);
  const offered = call.offer;
  call.offer = null;
  if (offered && withdrawReason !== null) {
    out.push('OfferWithdrawn', state.now, call.interactionId, { offerId: offered.offerId, agentId: offered.agentId, reason: withdrawReason, ringMs: state.now - offered.offeredAt });
    const agent = state.agents.get(offered.agentId);
    if (agent && agent.offer?.offerId === offered.offerId) {
      agent.offer = null;
      if (routable(agent)) becameRoutable(state, agent, 'offered call left', out);
    }
  }
}

// ───────────────────────────── matching ─────────────────────────────

interface Scored {
  readonly agent: Agent;
  readonly score: number;
}

/** Strategy score: higher wins; ties go to the agent idle longest (lower availableSeq). */
function score(state: RoutingState, strategy: StrategyName, agent: Agent, call: Call): number {
  switch (strategy) {
    case 'longest-idle':
      return (state.now - agent.availableSince) / 1000;
    case 'fewest-calls':
      return -agent.callsAnswered;
    case 'least-occupied': {
      const loggedIn = state.now - agent.loginAt;
      return loggedIn <= 0 ? 1 : 1 - agent.busyMs / loggedIn;
    }
    case 'skill-weighted': {
      let sum = 0;
      for (const r of call.requiredSkills) sum += agent.skills.get(r.skill) ?? 0;
      return sum;
    }
    case 'round-robin': {
      const last = state.roundRobin.get(call.queueId);
      return last === undefined || agent.id > last ? 1 : 0;
    }
  }
}

function better(strategy: StrategyName, a: Scored, b: Scored): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (strategy === 'round-robin') return a.agent.id < b.agent.id;
  return a.agent.availableSeq < b.agent.availableSeq;
}

const candidatesKept = 3;

/** The best routable agent of one cohort for the call, and the best few for the decision's "why". */
function bestOfCohort(state: RoutingState, call: Call, cohort: CohortName, sub: SubQueue): { best: Scored[]; considered: number; strategy: StrategyName } {
  const policy = policyOf(state, cohort);
  const strategy = queuePolicy(policy, call.queueId)?.strategy ?? policy.document.defaultStrategy ?? 'longest-idle';
  const index = sub.routable[cohort];
  const best: Scored[] = [];
  let considered = 0;
  for (const agent of index.values()) {
    if (call.declinedBy.includes(agent.id)) continue;
    considered++;
    const scored = { agent, score: score(state, strategy, agent, call) };
    if (strategy === 'longest-idle') {
      // The index is in idle order: the first ones are the best, no need to look further.
      best.push(scored);
      if (best.length === candidatesKept) {
        considered = index.size;
        break;
      }
      continue;
    }
    let at = best.length;
    while (at > 0 && better(strategy, scored, best[at - 1])) at--;
    if (at < candidatesKept) {
      best.splice(at, 0, scored);
      if (best.length > candidatesKept) best.pop();
    }
  }
  return { best, considered, strategy };
}

/** Call-driven: the call (at the head of its sub-queue) takes the best routable agent, if any. */
function matchCall(state: RoutingState, call: Call, why: string | null, out: Out): void {
  const sub = call.sub;
  if (!sub || call.offer !== null) return;
  const current = bestOfCohort(state, call, 'CURRENT', sub);
  const candidate = state.candidate ? bestOfCohort(state, call, 'CANDIDATE', sub) : null;
  const pickCandidate = candidate !== null && candidate.best.length > 0 && (current.best.length === 0 || candidate.best[0].agent.availableSeq < current.best[0].agent.availableSeq);
  const chosen = pickCandidate && candidate ? candidate : current;
  const considered = current.considered + (candidate?.considered ?? 0);
  if (chosen.best.length === 0) {
    if (why === null) return;
    const eligible = sub.qualified;
    decided(state, call, {
      outcome: 'WAIT',
      reason: `no available agent with ${describeSkills(call.requiredSkills)} in ${call.queueId} (${eligible} logged-in agents qualify, none free); position ${positionOf(call)}`,
    }, out);
    return;
  }
  const winner = chosen.best[0];
  const strategyName = chosen.strategy;
  const vipQueue = state.current.document.vip?.queueId === call.queueId;
  offer(state, call, winner.agent, vipQueue ? 'VIP_DEDICATED' : strategyEnum[strategyName],
    `${why ?? 'matched'}: ${strategyName} in ${call.queueId} → ${winner.agent.id}${pickCandidate ? ' (candidate cohort idle longer)' : ''}`,
    considered, chosen.best.map((s) => ({ agentId: s.agent.id, score: s.score, excludedBecause: s === winner ? null : 'lower score' })), winner.score, out);
  if (strategyName === 'round-robin') state.roundRobin.set(call.queueId, winner.agent.id);
}

/** Keeps each sub-queue's count of qualified logged-in agents as an agent arrives (+1), leaves (−1) or changes skills. */
function countQualified(state: RoutingState, agent: Agent, delta: 1 | -1): void {
  for (const sub of state.subQueues.values()) if (qualifies(agent, sub.skills)) sub.qualified += delta;
}

function positionOf(call: Call): number {
  return call.sub ? call.sub.calls.size : 0;
}

/** Agent-driven: the agent takes the best call it qualifies for (its VIPs first), if any waits. */
function matchAgent(state: RoutingState, agent: Agent, why: string, out: Out): void {
  if (!routable(agent)) return;
  const waits = state.relationshipWaits.get(agent.id);
  if (waits && waits.size > 0) {
    const call = [...waits].sort((a, b) => a.seq - b.seq)[0];
    stopRelationshipWait(state, call);
    offer(state, call, agent, 'RELATIONSHIP_AGENT', `VIP → relationship agent ${agent.id} (${why})`, 1, [{ agentId: agent.id, score: 1, excludedBecause: null }], 1, out);
    return;
  }
  const policy = state.current;
  let best: Call | undefined;
  let bestScore = 0;
  let waiting = 0;
  for (const sub of agent.indexedIn) {
    const top = topFor(sub, agent);
    if (!top) continue;
    waiting += sub.calls.size;
    const aged = agedPriority(policy, top, state.now);
    if (callFirst(top, aged, best, bestScore)) {
      best = top;
      bestScore = aged;
    }
  }
  if (!best) return;
  const strategy = queuePolicy(policyOf(state, agent.cohort), best.queueId)?.strategy ?? policyOf(state, agent.cohort).document.defaultStrategy ?? 'longest-idle';
  const vipQueue = state.current.document.vip?.queueId === best.queueId;
  offer(state, best, agent, vipQueue ? 'VIP_DEDICATED' : strategyEnum[strategy],
    `${why}: ${agent.id} takes the best of ${waiting} waiting calls it qualifies for (aged priority ${round(bestScore)})`,
    1, [{ agentId: agent.id, score: round(bestScore), excludedBecause: null }], round(bestScore), out);
  if (strategy === 'round-robin') state.roundRobin.set(best.queueId, agent.id);
}

/** Across sub-queues: re-queued-at-front first, then aged priority now, then arrival. */
function callFirst(a: Call, aScore: number, b: Call | undefined, bScore: number): boolean {
  if (!b) return true;
  if ((a.front > 0) !== (b.front > 0)) return a.front > 0;
  if (a.front > 0) return a.front < b.front;
  if (aScore !== bScore) return aScore > bScore;
  return a.seq < b.seq;
}

/**
 * The best call of the sub-queue the agent has not already rung: usually the head; else a
 * best-first walk down the heap past the calls it rang (as many as it rang, so few).
 */
function topFor(sub: SubQueue, agent: Agent): Call | undefined {
  const items = sub.calls.values();
  if (items.length === 0) return undefined;
  if (!items[0].declinedBy.includes(agent.id)) return items[0];
  const frontier = [0];
  while (frontier.length > 0) {
    let best = 0;
    for (let i = 1; i < frontier.length; i++) if (callBefore(items[frontier[i]], items[frontier[best]])) best = i;
    const index = frontier[best];
    frontier.splice(best, 1);
    const call = items[index];
    if (!call.declinedBy.includes(agent.id)) return call;
    if (2 * index + 1 < items.length) frontier.push(2 * index + 1);
    if (2 * index + 2 < items.length) frontier.push(2 * index + 2);
  }
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function offer(
  state: RoutingState, call: Call, agent: Agent, strategy: StrategyEnum, reason: string,
  considered: number, candidates: RoutingDecidedData['candidates'], winningScore: number, out: Out,
): void {
  takeOutOfSubQueue(call);
  stopRelationshipWait(state, call);
  unindexAgent(agent);
  const policy = policyOf(state, agent.cohort);
  call.attempts++;
  call.front = 0;
  const ringTimeoutMs = Math.round((policy.document.ringTimeoutSeconds ?? 20) * 1000);
  const made: Offer = { offerId: `${call.visitId}/offer-${call.attempts}`, interactionId: call.interactionId, agentId: agent.id, offeredAt: state.now, ringTimeoutMs, attempt: call.attempts };
  call.offer = made;
  agent.offer = made;
  out.push('RoutingDecided', state.now, call.interactionId, {
    visitId: call.visitId, queueId: call.queueId, outcome: 'OFFER', agentId: agent.id, overflowQueueId: null, strategy,
    policyId: policy.policyId, policyVersion: policy.version, cohort: agent.cohort, reason,
    candidatesConsidered: considered, candidates, winningScore,
  });
  out.push('InteractionOffered', state.now, call.interactionId, { offerId: made.offerId, agentId: agent.id, queueId: call.queueId, ringTimeoutMs, attempt: made.attempt } satisfies InteractionOfferedData);
  schedule(state, state.now + ringTimeoutMs, 'ring', call.interactionId, made.offerId);
}

// ───────────────────────────── snapshots ─────────────────────────────

export interface RoutingSnapshot {
  readonly format: 1;
  readonly now: number;
  readonly seq: number;
  readonly current: { policyId: string; version: number; text: string };
  readonly candidate: { policyId: string; version: number; text: string } | null;
  readonly cohort: { policyId: string; version: number; text: string } | null;
  readonly versions: [string, number][];
  readonly candidates: { policyId: string; version: number; text: string }[];
  readonly pending: PendingPolicy[];
  readonly agents: {
    id: string; skills: [string, number][]; state: AgentStateName; loginAt: number; offer: Offer | null; onCall: string | null;
    availableSeq: number; availableSince: number; callsAnswered: number; busyMs: number; busySince: number | null;
  }[];
  readonly calls: {
    interactionId: string; visitId: string; queueId: string; tier: Tier; priority: number; callSkills: SkillRequirement[]; requiredSkills: SkillRequirement[];
    enqueuedAt: number; queueEnteredAt: number; seq: number; front: number; attempts: number; overflowStep: number;
    relationshipAgentId: string | null; relationshipUntil: number | null; offer: Offer | null; declinedBy: string[]; waiting: boolean;
  }[];
  readonly identified: [string, { tier: Tier; relationshipAgentId: string | null }][];
  readonly timers: { at: number; seq: number; kind: TimerKind; ref: string; detail: string }[];
  readonly roundRobin: [string, string][];
  readonly rejected: Record<RejectionKind, number>;
}

const policyRef = (p: ActivePolicy | null): { policyId: string; version: number; text: string } | null => (p ? { policyId: p.policyId, version: p.version, text: p.text } : null);

/** The logical state as JSON-able data (indexes are derived and rebuilt on restore). */
export function toSnapshot(state: RoutingState): RoutingSnapshot {
  return {
    format: 1,
    now: state.now,
    seq: state.seq,
    current: policyRef(state.current) as { policyId: string; version: number; text: string },
    candidate: policyRef(state.candidate),
    cohort: state.cohort ? { policyId: state.cohort.policyId, version: state.cohort.version, text: state.cohort.text } : null,
    versions: [...state.versions.entries()],
    candidates: [...state.candidates.values()],
    pending: state.pending.map((p) => ({ ...p })),
    agents: [...state.agents.values()].map((a) => ({
      id: a.id, skills: [...a.skills.entries()], state: a.state, loginAt: a.loginAt, offer: a.offer, onCall: a.onCall,
      availableSeq: a.availableSeq, availableSince: a.availableSince, callsAnswered: a.callsAnswered, busyMs: a.busyMs, busySince: a.busySince,
    })),
    calls: [...state.calls.values()].map((c) => ({
      interactionId: c.interactionId, visitId: c.visitId, queueId: c.queueId, tier: c.tier, priority: c.priority,
      callSkills: [...c.callSkills], requiredSkills: [...c.requiredSkills], enqueuedAt: c.enqueuedAt, queueEnteredAt: c.queueEnteredAt,
      seq: c.seq, front: c.front, attempts: c.attempts, overflowStep: c.overflowStep, relationshipAgentId: c.relationshipAgentId,
      relationshipUntil: c.relationshipUntil, offer: c.offer, declinedBy: [...c.declinedBy], waiting: c.sub !== null,
    })),
    identified: [...state.identified.entries()],
    timers: state.timers.values().map((t) => ({ at: t.at, seq: t.seq, kind: t.kind, ref: t.ref, detail: t.detail })),
    roundRobin: [...state.roundRobin.entries()],
    rejected: { ...state.rejected },
  };
}

export function fromSnapshot(snapshot: RoutingSnapshot): RoutingState {
  const state = initialState();
  state.now = snapshot.now;
  state.seq = snapshot.seq;
  state.current = activate(snapshot.current.policyId, snapshot.current.version, snapshot.current.text);
  state.candidate = snapshot.candidate ? activate(snapshot.candidate.policyId, snapshot.candidate.version, snapshot.candidate.text) : null;
  state.cohort = snapshot.cohort ? { ...snapshot.cohort, document: parseCohortPolicy(snapshot.cohort.policyId, snapshot.cohort.version, snapshot.cohort.text) } : null;
  state.versions = new Map(snapshot.versions);
  state.candidates = new Map(snapshot.candidates.map((c) => [`${c.policyId}@${c.version}`, c]));
  state.pending = snapshot.pending.map((p) => ({ ...p }));
  for (const a of snapshot.agents) {
    state.agents.set(a.id, { ...a, skills: new Map(a.skills), cohort: 'CURRENT', indexedIn: [] });
  }
  for (const agent of state.agents.values()) agent.cohort = cohortOf(state, agent.id);
  const waiting: Call[] = [];
  for (const c of snapshot.calls) {
    const { waiting: isWaiting, ...rest } = c;
    const call: Call = { ...rest, key: 0, sub: null, heapIndex: -1 };
    call.key = callKey(state.current, call);
    state.calls.set(call.interactionId, call);
    changeQueueLength(state, call.queueId, 1);
    if (call.relationshipUntil !== null && call.relationshipAgentId !== null) {
      let waits = state.relationshipWaits.get(call.relationshipAgentId);
      if (!waits) state.relationshipWaits.set(call.relationshipAgentId, (waits = new Set()));
      waits.add(call);
    }
    if (isWaiting) waiting.push(call);
  }
  // Creating a sub-queue indexes the routable agents that qualify, in idle order.
  for (const call of waiting.sort((a, b) => a.seq - b.seq)) placeInSubQueue(state, call);
  state.identified = new Map(snapshot.identified);
  for (const t of snapshot.timers) state.timers.push({ ...t, heapIndex: -1 });
  state.roundRobin = new Map(snapshot.roundRobin);
  state.rejected = { ...snapshot.rejected };
  return state;
}

/** Live figures of the state, for metrics and the benchmark. */
export function routingStats(state: RoutingState): { waitingCalls: number; ringing: number; agents: number; routableAgents: number; subQueues: number; timers: number } {
  let ringing = 0;
  let waiting = 0;
  for (const call of state.calls.values()) {
    if (call.offer) ringing++;
    else waiting++;
  }
  let routableAgents = 0;
  for (const agent of state.agents.values()) if (routable(agent)) routableAgents++;
  return { waitingCalls: waiting, ringing, agents: state.agents.size, routableAgents, subQueues: state.subQueues.size, timers: state.timers.size };
}
