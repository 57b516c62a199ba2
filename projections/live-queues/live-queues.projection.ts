// Live queues: the calls waiting in each queue right now (with tier, priority, entry time and
// whether an agent's phone is ringing) and every agent's current state and skills. Pure: the
// queries (live-queues.queries.ts) add positions, waits so far and the per-queue/skill counts.
import type { AnyLedgerEvent, LedgerEvent } from '../../schemas/generated/events.ts';
import type { Evolved, ReadModelLogic, RowChange } from '../runtime/read-model.ts';

export interface WaitingVisit {
  readonly visitId: string;
  readonly queueId: string;
  readonly tier: string;
  readonly priority: number;
  readonly enteredAt: number;
  readonly entryPosition: number;
  readonly requiredSkills: readonly string[];
  readonly sourceSystem: string;
  readonly ringingAgentId: string | null;
}

export interface AgentNow {
  readonly site: string;
  readonly skills: readonly string[];
  readonly teams: readonly string[];
  readonly loggedIn: boolean;
  readonly state: string;
  readonly reasonCode: string | null;
  readonly since: number;
  readonly interactionId: string | null;
}

export interface LiveQueuesState {
  readonly visit?: WaitingVisit | null;
  readonly agent?: AgentNow | null;
}

export const liveQueuesEventTypes: ReadonlySet<string> = new Set([
  'QueueEntered', 'InteractionOffered', 'OfferTimedOut', 'OfferDeclined', 'OfferWithdrawn', 'InteractionAnswered', 'InteractionAbandoned',
  'CallbackRequested', 'InteractionTransferred', 'InteractionEnded',
  'AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged', 'AgentSkillsChanged',
]);

/** `skill:proficiency`, the text form skills are stored in. */
export function skillText(skill: { readonly skill: string }, level: number): string {
  return `${skill.skill}:${level}`;
}

function waitingRow(interactionId: string, v: WaitingVisit): RowChange {
  return {
    op: 'put', table: 'waiting',
    row: {
      interaction_id: interactionId, visit_id: v.visitId, queue_id: v.queueId, tier: v.tier, priority: v.priority,
      entered_at: v.enteredAt, entry_position: v.entryPosition, required_skills: v.requiredSkills, source_system: v.sourceSystem,
      ringing_agent_id: v.ringingAgentId,
    },
  };
}

function agentRow(agentId: string, a: AgentNow): RowChange {
  return {
    op: 'put', table: 'agents',
    row: { agent_id: agentId, site: a.site, skills: a.skills, teams: a.teams, logged_in: a.loggedIn, state: a.state, reason_code: a.reasonCode, state_since: a.since, interaction_id: a.interactionId },
  };
}

function endVisit(state: LiveQueuesState, interactionId: string): Evolved<LiveQueuesState> {
  if (!state.visit) return { state, changes: [] };
  return { state: { ...state, visit: null }, changes: [{ op: 'remove', table: 'waiting', key: { interaction_id: interactionId } }] };
}

function withRinging(state: LiveQueuesState, interactionId: string, agentId: string | null): Evolved<LiveQueuesState> {
  if (!state.visit) return { state, changes: [] };
  const visit = { ...state.visit, ringingAgentId: agentId };
  return { state: { ...state, visit }, changes: [waitingRow(interactionId, visit)] };
}

const noAgent: AgentNow = { site: '', skills: [], teams: [], loggedIn: false, state: 'OFFLINE', reasonCode: null, since: 0, interactionId: null };

function evolveAgent(state: LiveQueuesState, event: AnyLedgerEvent): Evolved<LiveQueuesState> {
  const at = event.metadata.occurredAt;
  const before = state.agent ?? noAgent;
  let agent: AgentNow;
  let agentId: string;
  switch (event.type) {
    case 'AgentLoggedIn':
      agentId = event.data.agentId;
      agent = { ...before, site: event.data.site, skills: event.data.skills.map((s) => skillText(s, s.proficiency)), teams: [...event.data.teams], loggedIn: true, state: 'UNKNOWN', reasonCode: null, since: at, interactionId: null };
      break;
    case 'AgentLoggedOut':
      agentId = event.data.agentId;
      agent = { ...before, loggedIn: false, state: 'OFFLINE', reasonCode: event.data.reason, since: at, interactionId: null };
      break;
    case 'AgentStateChanged':
      agentId = event.data.agentId;
      agent = { ...before, loggedIn: event.data.state === 'OFFLINE' ? false : true, state: event.data.state, reasonCode: event.data.reasonCode, since: at, interactionId: event.data.interactionId };
      break;
    case 'AgentSkillsChanged':
      agentId = event.data.agentId;
      agent = { ...before, skills: event.data.skills.map((s) => skillText(s, s.proficiency)) };
      break;
    default:
      return { state, changes: [] };
  }
  return { state: { ...state, agent }, changes: [agentRow(agentId, agent)] };
}

export const liveQueuesLogic: ReadModelLogic<LiveQueuesState> = {
  eventTypes: liveQueuesEventTypes,
  keyOf(event) {
    if (event.type.startsWith('Agent') && 'agentId' in event.data) return `agent:${event.data.agentId}`;
    return event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`;
  },
  initialState: () => ({}),
  evolve(state, event) {
    const interactionId = event.metadata.interactionId ?? '';
    switch (event.type) {
      case 'QueueEntered': {
        const e = event as LedgerEvent<'QueueEntered'>;
        const visit: WaitingVisit = {
          visitId: e.data.visitId, queueId: e.data.queueId, tier: e.data.tier, priority: e.data.priority, enteredAt: e.metadata.occurredAt,
          entryPosition: e.data.position, requiredSkills: e.data.requiredSkills.map((s) => `${s.skill}:${s.minProficiency}`), sourceSystem: e.metadata.sourceSystem, ringingAgentId: null,
        };
        const requirement = [...visit.requiredSkills].sort().join(',');
        return {
          state: { ...state, visit },
          changes: [waitingRow(interactionId, visit), { op: 'put', table: 'queue_requirements', row: { queue_id: visit.queueId, requirement } }],
        };
      }
      case 'InteractionOffered':
        return withRinging(state, interactionId, event.data.agentId);
      case 'OfferTimedOut':
      case 'OfferDeclined':
      case 'OfferWithdrawn':
        return withRinging(state, interactionId, null);
      case 'InteractionAnswered':
      case 'InteractionAbandoned':
      case 'CallbackRequested':
      case 'InteractionTransferred':
      case 'InteractionEnded':
        return endVisit(state, interactionId);
      default:
        return evolveAgent(state, event);
    }
  },
};
