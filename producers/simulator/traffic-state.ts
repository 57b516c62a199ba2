// The traffic simulator's state and the small vocabulary every part of it uses: the agenda of
// things due (an IndexedHeap by event time, then sequence), and emit, which wraps a ledger event
// in the simulator's envelope at the time it happens. Nothing here reads a clock or does I/O.
import type { AnyLedgerEvent, CustomerTier, DialResultData, LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { IndexedHeap } from '../../streams/routing/indexed-heap.ts';
import { createRandom, type Random } from './random.ts';
import { eventIdPrefix, simulatorEventId } from './event-ids.ts';
import type { AgentGroup, Scenario, ServiceType, TierSpec } from './scenario.ts';
import type { PlannedSegment } from './transcripts.ts';

export const simulatorProducer = 'producers/simulator';
export const simulatorVersion = '1';

export interface TrafficOptions {
  readonly seed: number;
  /** Event time the simulation starts at (epoch ms). */
  readonly start: number;
  /** Routing domain (site) the calls and agents belong to. */
  readonly site: string;
  /** Part of every interaction id, so two runs never share one (`sim-<runTag>-<n>`). */
  readonly runTag: string;
  /** Multiplies the scenario's arrival rate (stress profiles). Default 1. */
  readonly arrivalScale?: number;
}

export type Happening =
  | { readonly kind: 'arrival' }
  | { readonly kind: 'ivr-step'; readonly callId: string }
  | { readonly kind: 'app-to-phone'; readonly callId: string }
  | { readonly kind: 'announce'; readonly callId: string; readonly visitId: string }
  | { readonly kind: 'abandon'; readonly callId: string; readonly visitId: string }
  | { readonly kind: 'answer'; readonly callId: string; readonly agentId: string; readonly offerId: string }
  | { readonly kind: 'segment'; readonly callId: string; readonly leg: number; readonly index: number }
  | { readonly kind: 'conference'; readonly callId: string; readonly leg: number }
  | { readonly kind: 'transfer'; readonly callId: string; readonly leg: number }
  | { readonly kind: 'talk-end'; readonly callId: string; readonly leg: number }
  | { readonly kind: 'wrap-end'; readonly agentId: string }
  | { readonly kind: 'shift-start'; readonly agentId: string }
  | { readonly kind: 'shift-end'; readonly agentId: string }
  | { readonly kind: 'break-start'; readonly agentId: string; readonly minutes: number }
  | { readonly kind: 'back-to-ready'; readonly agentId: string }
  | { readonly kind: 'dial-result'; readonly result: DialResultData };

export interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly happening: Happening;
  heapIndex: number;
}

export type AgentActivity = 'OFFLINE' | 'AVAILABLE' | 'BUSY' | 'WRAP_UP' | 'BREAK' | 'NOT_READY';

export interface SimAgent {
  readonly id: string;
  readonly group: AgentGroup;
  /** Index within its group (staggers breaks). */
  readonly index: number;
  activity: AgentActivity;
  loggedInAt: number;
  /** The offer ringing at this agent, and its answer if the agent will pick up. */
  offer: { readonly offerId: string; readonly callId: string; readonly offeredAt: number; answer: Scheduled | null } | null;
  callId: string | null;
  /** A break or the end of the shift fell due while the agent was on a call: taken after wrap-up. */
  breakDueMinutes: number | null;
  logoutDue: boolean;
}

export type CallPhase = 'APP' | 'IVR' | 'QUEUED' | 'TALKING' | 'ENDED';

export interface SimCall {
  readonly id: string;
  readonly customerId: string;
  readonly dataSubject: string;
  readonly tier: TierSpec;
  readonly startedAt: number;
  readonly channel: 'VOICE' | 'VIDEO';
  phase: CallPhase;
  /** IVR: the current node and how deep. */
  ivrNode: string;
  ivrDepth: number;
  ivrEnteredAt: number;
  service: ServiceType | null;
  visit: { readonly visitId: string; readonly queueId: string; readonly enteredAt: number; abandon: Scheduled | null; announce: Scheduled | null; position: number } | null;
  visits: number;
  /** The current agent leg (answer → talk end or transfer); legs number from 1. */
  leg: number;
  agentId: string | null;
  answeredAt: number;
  pending: Scheduled[];
  transferred: boolean;
  /** The transcript of the current leg (transcripts.ts). */
  plan: readonly PlannedSegment[];
  language: string;
  correlationId: string | null;
  previousInteractionId: string | null;
  /** The outbound campaign that dialled the customer (outbound.ts); null for inbound calls. */
  readonly campaignId: string | null;
}

export interface TrafficState {
  readonly scenario: Scenario;
  readonly options: TrafficOptions;
  /** Draws of the traffic itself. */
  readonly random: Random;
  /** Prefix of the run's event ids (event-ids.ts), and how many it has given. */
  readonly eventIdPrefix: string;
  eventsEmitted: number;
  now: number;
  seq: number;
  readonly agenda: IndexedHeap<Scheduled>;
  readonly calls: Map<string, SimCall>;
  readonly agents: Map<string, SimAgent>;
  /** Waiting calls per queue (the position a caller hears). */
  readonly waiting: Map<string, number>;
  /** Agents in wrap-up and the call they wrap up (WrapUpCompleted names its intent). */
  readonly wrapUps: Map<string, { readonly call: SimCall; readonly startedAt: number }>;
  /** Campaign dials the simulated customer answered, by interaction, until the dialer queues the call. */
  readonly answeredDials: Map<string, { readonly campaignId: string; readonly dropped: boolean }>;
  /** The arrival scheduled next (rescheduled when the arrival scale changes). */
  nextArrival: Scheduled | null;
  arrivalScale: number;
  callCounter: number;
  stopped: boolean;
}

export function newTrafficState(scenario: Scenario, options: TrafficOptions): TrafficState {
  return {
    scenario,
    options,
    random: createRandom(options.seed),
    eventIdPrefix: eventIdPrefix(options),
    eventsEmitted: 0,
    now: options.start,
    seq: 0,
    agenda: new IndexedHeap<Scheduled>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq)),
    calls: new Map(),
    agents: new Map(),
    waiting: new Map(),
    wrapUps: new Map(),
    answeredDials: new Map(),
    nextArrival: null,
    arrivalScale: options.arrivalScale ?? 1,
    callCounter: 0,
    stopped: false,
  };
}

export function schedule(state: TrafficState, at: number, happening: Happening): Scheduled {
  const item: Scheduled = { at: Math.max(Math.round(at), state.now), seq: ++state.seq, happening, heapIndex: -1 };
  state.agenda.push(item);
  return item;
}

export function cancel(state: TrafficState, item: Scheduled | null): void {
  if (item && state.agenda.has(item)) state.agenda.remove(item);
}

/** What an event's envelope takes from its call. */
export type CallContext = Pick<SimCall, 'id' | 'correlationId'> & { readonly dataSubject: string | null };

export type Emit = <T extends keyof LedgerEventMap>(type: T, data: LedgerEventMap[T], call?: CallContext | null) => void;

/** Collects the events of one decide call, each at the state's current time, in the simulator's envelope. */
export function collector(state: TrafficState): { readonly events: AnyLedgerEvent[]; readonly emit: Emit } {
  const events: AnyLedgerEvent[] = [];
  const emit: Emit = (type, data, call = null) => {
    const event: LedgerEvent<typeof type> = {
      type,
      metadata: {
        eventId: simulatorEventId(state.eventIdPrefix, ++state.eventsEmitted),
        eventType: type,
        occurredAt: state.now,
        recordedAt: state.now,
        sourceSystem: 'simulator',
        interactionId: call ? call.id : null,
        correlationId: call ? call.correlationId : null,
        causationId: null,
        producer: { component: simulatorProducer, version: simulatorVersion },
        dataSubject: call ? call.dataSubject : null,
      },
      data,
    };
    events.push(event as AnyLedgerEvent);
  };
  return { events, emit };
}

export const seconds = (value: number): number => Math.round(value * 1000);

/** Local time of day in minutes at an event time, at the scenario's fixed UTC offset. */
export function localMinutes(state: TrafficState, at: number): number {
  const local = at + state.scenario.utcOffsetMinutes * 60_000;
  return (((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000;
}

/** The next event time ≥ `from` whose local time of day is `minutes`. */
export function nextLocalTime(state: TrafficState, from: number, minutes: number): number {
  const delta = (minutes - localMinutes(state, from) + 1440) % 1440;
  return from + Math.round(delta * 60_000);
}

export function tierSpec(scenario: Scenario, tier: CustomerTier): TierSpec | undefined {
  return scenario.tiers.find((t) => t.tier === tier);
}
