// Agent profiles (docs/metrics.md, "Agent profiles"). Pure evolve: per interaction it follows the
// current agent leg and remembers, per agent who handled it, the ISO week (local time) of that
// agent's answer; every figure of a leg (handled, talk, hold, wrap-up, resolution, transfer out,
// QA) is added to that week, so late QA scores and wrap-ups land beside the call they are about.
// Offers, ring-no-answers and declines count in the week they happened. Per agent it accrues
// time in each state, split at week boundaries (occupancy). Every figure is an additive counter
// per (agent, week): any range of weeks is a sum.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Evolved, ReadModelLogic, RowChange } from '../runtime/read-model.ts';
import { LocalWeeks, type WeekOf } from './weeks.ts';

export interface AgentProfilesSettings {
  /** IANA time zone of the contact centre: weeks start on local Mondays. */
  readonly timeZone: string;
}

export const defaultAgentProfilesSettings: AgentProfilesSettings = { timeZone: 'Asia/Shanghai' };

/** Agent states with their own time column; any other state accrues to `other_state_ms`. */
export const STATE_COLUMNS: Readonly<Record<string, string>> = {
  AVAILABLE: 'available_ms', BUSY: 'busy_ms', WRAP_UP: 'wrap_up_state_ms', BREAK: 'break_ms', TRAINING: 'training_ms',
};
export const OTHER_STATE_COLUMN = 'other_state_ms';

type WeekKey = { readonly agent_id: string; readonly week_start: string; readonly week_start_at: number; readonly week_end_at: number };

interface HandledBy extends WeekOf {
  readonly transferredOut: boolean;
}

interface Leg {
  readonly agentId: string;
  readonly answeredAt: number;
  readonly holdMs: number;
  readonly heldSince: number | null;
}

export interface AgentProfilesState {
  /** Interactions: the connected agent's leg. */
  readonly leg?: Leg | null;
  /** Interactions: per agent who answered it, the week of their (last) answer. */
  readonly handledBy?: Readonly<Record<string, HandledBy>>;
  readonly lastAgentId?: string | null;
  /** Agents: the state being accrued and since when. */
  readonly agentState?: string | null;
  readonly agentSince?: number;
}

export const agentProfilesEventTypes: ReadonlySet<string> = new Set([
  'InteractionOffered', 'OfferTimedOut', 'OfferDeclined', 'InteractionAnswered', 'InteractionHeld', 'InteractionResumed',
  'InteractionTransferred', 'InteractionEnded', 'WrapUpCompleted', 'QaScoreComputed', 'QaFindingRecorded',
  'AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged',
]);

const AGENT_EVENTS = new Set(['AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged']);

function weekKey(agentId: string, week: WeekOf): WeekKey {
  return { agent_id: agentId, week_start: week.start, week_start_at: week.startAt, week_end_at: week.endAt };
}

function add(key: WeekKey, values: Record<string, number>): RowChange {
  return { op: 'add', table: 'agent_weeks', key, values };
}

export function agentProfilesLogic(settings: AgentProfilesSettings = defaultAgentProfilesSettings): ReadModelLogic<AgentProfilesState> {
  const weeks = new LocalWeeks(settings.timeZone);
  /** The week an agent's work on this interaction belongs to: their answer's, else the event's. */
  const weekOfWork = (state: AgentProfilesState, agentId: string, at: number): WeekOf => state.handledBy?.[agentId] ?? weeks.of(at);

  const endLeg = (state: AgentProfilesState, at: number, changes: RowChange[], transferred: boolean): AgentProfilesState => {
    const leg = state.leg;
    if (!leg) return state;
    const holdMs = leg.holdMs + (leg.heldSince !== null ? Math.max(0, at - leg.heldSince) : 0);
    const talkMs = Math.max(0, at - leg.answeredAt - holdMs);
    const handled = weekOfWork(state, leg.agentId, leg.answeredAt);
    changes.push(add(weekKey(leg.agentId, handled), { handled: 1, talk_ms: talkMs, hold_ms: holdMs, held_contacts: holdMs > 0 ? 1 : 0, transfers_out: transferred ? 1 : 0 }));
    const handledBy = { ...state.handledBy, [leg.agentId]: { start: handled.start, startAt: handled.startAt, endAt: handled.endAt, transferredOut: transferred } };
    return { ...state, leg: null, handledBy };
  };

  const evolveAgent = (state: AgentProfilesState, event: AnyLedgerEvent): Evolved<AgentProfilesState> => {
    const at = event.metadata.occurredAt;
    const changes: RowChange[] = [];
    const agentId = (event.data as { agentId: string }).agentId;
    if (state.agentState && state.agentSince !== undefined && state.agentSince < at) {
      const column = STATE_COLUMNS[state.agentState] ?? OTHER_STATE_COLUMN;
      let from = state.agentSince;
      while (from < at) {
        const week = weeks.of(from);
        const until = Math.min(at, week.endAt);
        changes.push(add(weekKey(agentId, week), { [column]: until - from }));
        from = until;
      }
    }
    if (event.type === 'AgentLoggedIn') {
      changes.push({ op: 'put', table: 'agents', row: { agent_id: agentId, site: event.data.site, teams: event.data.teams } });
    }
    let next: string | null;
    if (event.type === 'AgentStateChanged') next = event.data.state === 'OFFLINE' ? null : event.data.state;
    else next = null; // logged in: nothing accrues until the first state; logged out: stops
    return { state: { ...state, agentState: next, agentSince: at }, changes };
  };

  return {
    eventTypes: agentProfilesEventTypes,
    keyOf(event) {
      if (AGENT_EVENTS.has(event.type)) return `agent:${(event.data as { agentId: string }).agentId}`;
      return event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`;
    },
    initialState: () => ({}),
    evolve(state, event) {
      if (AGENT_EVENTS.has(event.type)) return evolveAgent(state, event);
      const at = event.metadata.occurredAt;
      const changes: RowChange[] = [];
      let next = state;
      switch (event.type) {
        case 'InteractionOffered':
          changes.push(add(weekKey(event.data.agentId, weeks.of(at)), { offers: 1 }));
          break;
        case 'OfferTimedOut':
          changes.push(add(weekKey(event.data.agentId, weeks.of(at)), { ring_no_answer: 1 }));
          break;
        case 'OfferDeclined':
          changes.push(add(weekKey(event.data.agentId, weeks.of(at)), { declined: 1 }));
          break;
        case 'InteractionAnswered': {
          next = endLeg(next, at, changes, false);
          const answered = weeks.of(at);
          next = {
            ...next, lastAgentId: event.data.agentId,
            leg: { agentId: event.data.agentId, answeredAt: at, holdMs: 0, heldSince: null },
            handledBy: { ...next.handledBy, [event.data.agentId]: { ...answered, transferredOut: false } },
          };
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
          break;
        case 'InteractionEnded':
          next = endLeg(next, at, changes, false);
          break;
        case 'WrapUpCompleted': {
          const by = weekOfWork(next, event.data.agentId, at);
          const resolved = event.data.resolved && !(next.handledBy?.[event.data.agentId]?.transferredOut ?? false);
          changes.push(add(weekKey(event.data.agentId, by), { wrap_ups: 1, wrap_ms: event.data.wrapUpMs, resolved: resolved ? 1 : 0 }));
          break;
        }
        case 'QaScoreComputed': {
          const agentId = event.data.agentId ?? next.lastAgentId ?? null;
          if (agentId === null || event.data.maxScore <= 0) break;
          const basisPoints = Math.round((event.data.score / event.data.maxScore) * 10_000);
          changes.push(add(weekKey(agentId, weekOfWork(next, agentId, at)), { qa_scored: 1, qa_score_bp: basisPoints, qa_passed: event.data.passed ? 1 : 0 }));
          break;
        }
        case 'QaFindingRecorded': {
          const agentId = event.data.agentId ?? next.lastAgentId ?? null;
          if (agentId === null) break;
          const week = weekOfWork(next, agentId, at);
          changes.push(
            add(weekKey(agentId, week), { qa_findings: 1 }),
            { op: 'add', table: 'agent_qa_findings', key: { ...weekKey(agentId, week), category: event.data.category }, values: { findings: 1, points_deducted_centi: Math.round(event.data.pointsDeducted * 100) } },
          );
          break;
        }
        default:
          break;
      }
      return { state: next, changes };
    },
  };
}
