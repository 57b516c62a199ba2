// Wallboard KPIs (metrics definitions v1, docs/metrics.md). Pure evolve: per interaction it
// follows the open queue visit and the current agent leg; every figure of a queue visit is
// added to the 15-minute interval (local time zone) in which the visit ENTERED the queue, under
// (queue, customer tier, source system), so late or replayed events land in the right interval
// and offered = answered + abandoned + callbacks + exited + still waiting, per interval.
// Per agent it accrues time in each state, split at interval boundaries (occupancy).
// All figures are additive counters or mergeable wait buckets: days, months, queues, tiers and
// sources are sums of interval rows, and any service-level variant on a bucket edge is derivable.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Evolved, ReadModelLogic, RowChange } from '../runtime/read-model.ts';
import { LocalIntervals } from './intervals.ts';

export interface WallboardSettings {
  /** Service-level threshold T in seconds (answered within T, inclusive). Default 20. */
  readonly serviceLevelSeconds: number;
  /** Abandons with a wait of at most this many seconds are short abandons. Default 5. */
  readonly shortAbandonSeconds: number;
  /** IANA time zone of the contact centre: intervals, days and months are local. Default Asia/Shanghai. */
  readonly timeZone: string;
}

export const defaultWallboardSettings: WallboardSettings = { serviceLevelSeconds: 20, shortAbandonSeconds: 5, timeZone: 'Asia/Shanghai' };

/** Upper bounds (inclusive, ms) of the wait buckets; the last bucket is open (OPEN_BUCKET). */
export const WAIT_BUCKET_EDGES_MS: readonly number[] = [
  ...Array.from({ length: 24 }, (_, i) => (i + 1) * 5_000), // 5 s steps to 120 s
  ...Array.from({ length: 16 }, (_, i) => 150_000 + i * 30_000), // 30 s steps to 600 s
  ...Array.from({ length: 20 }, (_, i) => 660_000 + i * 60_000), // 60 s steps to 1,800 s
  2_700_000, 3_600_000,
];
export const OPEN_BUCKET = Number.MAX_SAFE_INTEGER;

export function bucketOf(waitMs: number): number {
  for (const edge of WAIT_BUCKET_EDGES_MS) if (waitMs <= edge) return edge;
  return OPEN_BUCKET;
}

type Dims = {
  readonly interval_start: number;
  readonly local_day: string;
  readonly queue_id: string;
  readonly tier: string;
  readonly source_system: string;
};

interface Visit {
  readonly visitId: string;
  readonly enteredAt: number;
  readonly dims: Dims;
}

interface Leg {
  readonly agentId: string;
  readonly answeredAt: number;
  readonly holdMs: number;
  readonly heldSince: number | null;
  readonly dims: Dims;
}

export interface WallboardState {
  readonly source?: string;
  readonly tier?: string;
  readonly visit?: Visit | null;
  readonly leg?: Leg | null;
  /** Legs ended and waiting for their WrapUpCompleted: where their after-call work is added. */
  readonly wraps?: readonly { readonly agentId: string; readonly dims: Dims }[];
  readonly transferToQueue?: boolean;
  /** Agents: the state being accrued and since when. */
  readonly agentState?: string | null;
  readonly agentSince?: number;
}

export const wallboardEventTypes: ReadonlySet<string> = new Set([
  'CustomerIdentified', 'IvrExited', 'QueueEntered', 'OfferTimedOut', 'OfferDeclined', 'InteractionAnswered',
  'InteractionHeld', 'InteractionResumed', 'InteractionTransferred', 'InteractionAbandoned', 'CallbackRequested', 'InteractionEnded',
  'WrapUpCompleted', 'AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged',
]);

const AGENT_EVENTS = new Set(['AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged']);

function add(dims: Dims, values: Record<string, number>): RowChange {
  return { op: 'add', table: 'intervals', key: dims, values };
}

function bucket(dims: Dims, outcome: 'ANSWERED' | 'ABANDONED' | 'CALLBACK', waitMs: number): RowChange {
  return { op: 'add', table: 'wait_buckets', key: { ...dims, outcome, upper_ms: bucketOf(waitMs) }, values: { visits: 1 } };
}

export function wallboardLogic(settings: WallboardSettings = defaultWallboardSettings): ReadModelLogic<WallboardState> {
  const intervals = new LocalIntervals(settings.timeZone);
  const slMs = settings.serviceLevelSeconds * 1000;
  const shortMs = settings.shortAbandonSeconds * 1000;
  const dimsAt = (at: number, queueId: string, tier: string, source: string): Dims => {
    const interval = intervals.of(at);
    return { interval_start: interval.start, local_day: interval.day, queue_id: queueId, tier, source_system: source };
  };

  const endLeg = (state: WallboardState, at: number, changes: RowChange[], transferred: boolean): WallboardState => {
    const leg = state.leg;
    if (!leg) return state;
    const holdMs = leg.holdMs + (leg.heldSince !== null ? Math.max(0, at - leg.heldSince) : 0);
    const talkMs = Math.max(0, at - leg.answeredAt - holdMs);
    changes.push(add(leg.dims, { handled: 1, talk_ms: talkMs, hold_ms: holdMs, held_contacts: holdMs > 0 || leg.heldSince !== null ? 1 : 0, transfers: transferred ? 1 : 0 }));
    return { ...state, leg: null, wraps: [...(state.wraps ?? []), { agentId: leg.agentId, dims: leg.dims }] };
  };

  const evolveAgent = (state: WallboardState, event: AnyLedgerEvent): Evolved<WallboardState> => {
    const at = event.metadata.occurredAt;
    const changes: RowChange[] = [];
    const agentId = (event.data as { agentId: string }).agentId;
    if (state.agentState && state.agentSince !== undefined && state.agentSince < at) {
      // Split [since, at) at interval boundaries.
      let from = state.agentSince;
      while (from < at) {
        const interval = intervals.of(from);
        const until = Math.min(at, interval.start + 15 * 60 * 1000);
        changes.push({ op: 'add', table: 'agent_state_time', key: { interval_start: interval.start, local_day: interval.day, agent_id: agentId, state: state.agentState }, values: { ms: until - from } });
        from = until;
      }
    }
    let next: string | null;
    if (event.type === 'AgentStateChanged') next = event.data.state === 'OFFLINE' ? null : event.data.state;
    else next = null; // logged in: nothing accrues until the first state; logged out: stops
    return { state: { ...state, agentState: next, agentSince: at }, changes };
  };

  return {
    eventTypes: wallboardEventTypes,
    keyOf(event) {
      if (AGENT_EVENTS.has(event.type)) return `agent:${(event.data as { agentId: string }).agentId}`;
      return event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`;
    },
    initialState: () => ({}),
    evolve(state, event) {
      if (AGENT_EVENTS.has(event.type)) return evolveAgent(state, event);
      const at = event.metadata.occurredAt;
      const source = state.source ?? event.metadata.sourceSystem;
      const changes: RowChange[] = [];
      let next: WallboardState = state.source === undefined ? { ...state, source } : state;
      const visit = state.visit ?? null;
      switch (event.type) {
        case 'CustomerIdentified':
          next = { ...next, tier: event.data.tier };
          break;
        case 'IvrExited':
          if (event.data.reason === 'SELF_SERVICE_DONE') changes.push(add(dimsAt(at, '', next.tier ?? 'UNKNOWN', source), { ivr_contained: 1 }));
          break;
        case 'QueueEntered': {
          if (visit) changes.push(add(visit.dims, { exited: 1 })); // left without an outcome event (overflow)
          const dims = dimsAt(at, event.data.queueId, event.data.tier, source);
          const transferredIn = next.transferToQueue === true;
          changes.push(add(dims, { offered: 1, transferred_in: transferredIn ? 1 : 0 }));
          next = { ...next, tier: event.data.tier, visit: { visitId: event.data.visitId, enteredAt: at, dims }, transferToQueue: false };
          break;
        }
        case 'OfferTimedOut':
          if (visit) changes.push(add(visit.dims, { ring_no_answer: 1 }));
          break;
        case 'OfferDeclined':
          if (visit) changes.push(add(visit.dims, { declined: 1 }));
          break;
        case 'InteractionAnswered': {
          next = endLeg(next, at, changes, false);
          let dims: Dims;
          if (visit) {
            const waitMs = Math.max(0, at - visit.enteredAt);
            changes.push(add(visit.dims, { answered: 1, answered_in_sl: waitMs <= slMs ? 1 : 0, answer_wait_ms: waitMs }), bucket(visit.dims, 'ANSWERED', waitMs));
            dims = visit.dims;
          } else {
            dims = dimsAt(at, event.data.queueId ?? '', next.tier ?? 'UNKNOWN', source); // not queued (direct, outbound)
          }
          next = { ...next, visit: null, leg: { agentId: event.data.agentId, answeredAt: at, holdMs: 0, heldSince: null, dims } };
          break;
        }
        case 'InteractionHeld':
          if (next.leg && next.leg.heldSince === null) next = { ...next, leg: { ...next.leg, heldSince: at } };
          break;
        case 'InteractionResumed':
          if (next.leg && next.leg.heldSince !== null) next = { ...next, leg: { ...next.leg, holdMs: next.leg.holdMs + Math.max(0, at - next.leg.heldSince), heldSince: null } };
          break;
        case 'InteractionTransferred':
          next = endLeg(next, at, changes, true);
          next = { ...next, transferToQueue: event.data.targetKind === 'QUEUE' };
          break;
        case 'InteractionAbandoned':
          if (visit && event.data.stage !== 'IVR') {
            const waitMs = Math.max(0, at - visit.enteredAt);
            changes.push(
              add(visit.dims, { abandoned: 1, short_abandoned: waitMs <= shortMs ? 1 : 0, abandoned_in_sl: waitMs <= slMs ? 1 : 0, abandon_wait_ms: waitMs }),
              bucket(visit.dims, 'ABANDONED', waitMs),
            );
            next = { ...next, visit: null };
          } else if (event.data.stage === 'IVR') {
            changes.push(add(dimsAt(at, '', next.tier ?? 'UNKNOWN', source), { ivr_abandoned: 1 }));
          }
          break;
        case 'CallbackRequested':
          if (visit) {
            const waitMs = Math.max(0, at - visit.enteredAt);
            changes.push(add(visit.dims, { callbacks: 1, callbacks_in_sl: waitMs <= slMs ? 1 : 0 }), bucket(visit.dims, 'CALLBACK', waitMs));
            next = { ...next, visit: null };
          }
          break;
        case 'InteractionEnded':
          if (visit) {
            changes.push(add(visit.dims, { exited: 1 }));
            next = { ...next, visit: null };
          }
          next = endLeg(next, at, changes, false);
          break;
        case 'WrapUpCompleted': {
          const wraps = next.wraps ?? [];
          const index = wraps.findIndex((w) => w.agentId === event.data.agentId);
          const dims = index >= 0 ? wraps[index].dims : next.leg?.dims ?? dimsAt(at, '', next.tier ?? 'UNKNOWN', source);
          changes.push(add(dims, { wrap_ms: event.data.wrapUpMs }));
          if (index >= 0) next = { ...next, wraps: [...wraps.slice(0, index), ...wraps.slice(index + 1)] };
          break;
        }
        default:
          break;
      }
      return { state: next, changes };
    },
  };
}
