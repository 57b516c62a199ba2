// Outbound campaigns: per campaign, its configuration and status, and counters of contacts,
// attempts, results, connects, drops (DialResult DROPPED: no agent within the grace), calls an
// agent took, and wrap-up outcomes (right-party contacts, promises to pay, disputes, wrong
// numbers); per agent team and hour, staffed and idle time, from which the queries derive agent
// idle time and contacts per agent hour of the campaign's group. Pure.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Evolved, ReadModelLogic, RowChange } from '../runtime/read-model.ts';

/** The dialer's component: a DROPPED it records is its verdict on a call already counted as connected. */
const dialerComponent = 'streams/outbound';
const hourMs = 3_600_000;

export const CAMPAIGN_COUNTER_COLUMNS = [
  'contacts', 'attempts', 'connects', 'drops', 'no_answer', 'busy', 'voicemail', 'failed',
  'agent_contacts', 'agent_wait_ms', 'right_party_contacts', 'promises_to_pay', 'disputes', 'wrong_numbers',
] as const;
type CounterColumn = (typeof CAMPAIGN_COUNTER_COLUMNS)[number];

/** Wrap-up dispositions of campaign calls (docs/outbound.md, "Outcomes"). */
export const outcomeDispositions = { promiseToPay: 'PROMISE_TO_PAY', dispute: 'DISPUTE', wrongNumber: 'WRONG_NUMBER', notRightParty: 'NOT_RIGHT_PARTY' } as const;

interface CampaignDocument {
  readonly row: Readonly<Record<string, string | number | null>>;
}
interface CallDocument {
  readonly campaignId: string;
  readonly connectedAt: number;
  readonly answered: boolean;
}
interface AgentDocument {
  readonly teams: readonly string[];
  readonly state: string;
  readonly since: number;
}

export interface OutboundCampaignsState {
  readonly campaign?: CampaignDocument;
  readonly call?: CallDocument;
  readonly agent?: AgentDocument;
}

const eventTypes: ReadonlySet<string> = new Set([
  'CampaignStarted', 'CampaignPaused', 'CampaignResumed', 'CampaignEnded', 'ContactScheduled', 'DialAttempted', 'DialResult',
  'InteractionStarted', 'InteractionAnswered', 'WrapUpCompleted',
  'AgentLoggedIn', 'AgentStateChanged', 'AgentLoggedOut',
]);

const count = (campaignId: string, values: Partial<Record<CounterColumn, number>>): RowChange => ({ op: 'add', table: 'campaign_counts', key: { campaign_id: campaignId }, values });
const unchanged = <S>(state: S): Evolved<S> => ({ state, changes: [] });

function campaignRow(document: CampaignDocument | undefined, campaignId: string, update: Record<string, string | number | null>): CampaignDocument {
  const base = document?.row ?? {
    campaign_id: campaignId, version: 0, name: '', purpose: 'OTHER', dial_mode: 'OTHER', site: '', agent_group: '', max_drop_rate: null, grace_seconds: null,
    status: 'UNKNOWN', started_at: null, ended_at: null, end_reason: null,
  };
  return { row: { ...base, ...update } };
}

/** Staffed and idle time of the span the agent just left, per team, in the hour the span began. */
function agentTime(agent: AgentDocument, until: number): RowChange[] {
  if (agent.state === 'OFFLINE' || until <= agent.since) return [];
  const ms = until - agent.since;
  const hourStart = Math.floor(agent.since / hourMs) * hourMs;
  return agent.teams.map((team) => ({ op: 'add', table: 'group_time', key: { team, hour_start: hourStart }, values: { staffed_ms: ms, idle_ms: agent.state === 'AVAILABLE' ? ms : 0 } }));
}

export const outboundCampaignsLogic: ReadModelLogic<OutboundCampaignsState> = {
  eventTypes,
  keyOf(event) {
    if (event.type.startsWith('Agent')) return `agent:${(event.data as { agentId: string }).agentId}`;
    if ('campaignId' in event.data && event.type !== 'InteractionStarted') return `campaign:${(event.data as { campaignId: string }).campaignId}`;
    return event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`;
  },
  initialState: () => ({}),
  evolve(state, event: AnyLedgerEvent) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'CampaignStarted': {
        const d = event.data;
        let grace: number | null = null;
        let group = '';
        let site = '';
        try {
          const config = JSON.parse(d.config) as { abandonCap?: { graceSeconds?: number }; agentGroup?: string; site?: string };
          grace = config.abandonCap?.graceSeconds ?? 2;
          group = config.agentGroup ?? '';
          site = config.site ?? '';
        } catch {
          // the dialer refuses such a campaign; the row still shows it was started
        }
        const campaign = campaignRow(state.campaign, d.campaignId, {
          version: d.campaignVersion, name: d.name, purpose: d.purpose, dial_mode: d.dialMode, site, agent_group: group, max_drop_rate: d.maxDropRate, grace_seconds: grace,
          status: 'RUNNING', started_at: (state.campaign?.row.started_at as number | null | undefined) ?? at, ended_at: null, end_reason: null,
        });
        return { state: { campaign }, changes: [{ op: 'put', table: 'campaigns', row: campaign.row }] };
      }
      case 'CampaignPaused':
      case 'CampaignResumed':
      case 'CampaignEnded': {
        const update: Record<string, string | number | null> = event.type === 'CampaignEnded'
          ? { status: 'ENDED', ended_at: at, end_reason: event.data.reason }
          : { status: event.type === 'CampaignPaused' ? 'PAUSED' : 'RUNNING' };
        const campaign = campaignRow(state.campaign, event.data.campaignId, update);
        return { state: { campaign }, changes: [{ op: 'put', table: 'campaigns', row: campaign.row }] };
      }
      case 'ContactScheduled':
        return { state, changes: [count(event.data.campaignId, { contacts: 1 })] };
      case 'DialAttempted':
        return { state, changes: [count(event.data.campaignId, { attempts: 1 })] };
      case 'DialResult': {
        const d = event.data;
        const byDialer = event.metadata.producer.component === dialerComponent;
        const values: Partial<Record<CounterColumn, number>> =
          d.result === 'ANSWERED' ? { connects: 1 }
            : d.result === 'DROPPED' ? (byDialer ? { drops: 1 } : { connects: 1, drops: 1 })
              : d.result === 'NO_ANSWER' ? { no_answer: 1 } : d.result === 'BUSY' ? { busy: 1 } : d.result === 'VOICEMAIL' ? { voicemail: 1 } : { failed: 1 };
        return { state, changes: [count(d.campaignId, values)] };
      }
      case 'InteractionStarted':
        if (event.data.campaignId === null) return unchanged(state);
        return { state: { call: { campaignId: event.data.campaignId, connectedAt: at, answered: false } }, changes: [] };
      case 'InteractionAnswered': {
        const call = state.call;
        if (!call || call.answered) return unchanged(state);
        return { state: { call: { ...call, answered: true } }, changes: [count(call.campaignId, { agent_contacts: 1, agent_wait_ms: Math.max(0, at - call.connectedAt) })] };
      }
      case 'WrapUpCompleted': {
        const call = state.call;
        if (!call) return unchanged(state);
        const disposition = event.data.disposition.toUpperCase();
        const rightParty = disposition !== outcomeDispositions.wrongNumber && disposition !== outcomeDispositions.notRightParty ? 1 : 0;
        return {
          state,
          changes: [count(call.campaignId, {
            right_party_contacts: rightParty, promises_to_pay: disposition === outcomeDispositions.promiseToPay ? 1 : 0,
            disputes: disposition === outcomeDispositions.dispute ? 1 : 0, wrong_numbers: disposition === outcomeDispositions.wrongNumber ? 1 : 0,
          })],
        };
      }
      case 'AgentLoggedIn': {
        const changes = state.agent ? agentTime(state.agent, at) : [];
        return { state: { agent: { teams: event.data.teams, state: 'UNKNOWN', since: at } }, changes };
      }
      case 'AgentStateChanged': {
        if (!state.agent) return unchanged(state);
        return { state: { agent: { ...state.agent, state: event.data.state, since: at } }, changes: agentTime(state.agent, at) };
      }
      case 'AgentLoggedOut': {
        if (!state.agent) return unchanged(state);
        return { state: {}, changes: agentTime(state.agent, at) };
      }
      default:
        return unchanged(state);
    }
  },
};
