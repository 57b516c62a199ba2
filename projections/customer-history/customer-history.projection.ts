// Customer history (the screen pop): one row per (customer, interaction) with what an agent needs
// at a glance — channel, times, intent, outcome, agent, summary, ticket, risk flags. Events are
// keyed by interaction, and the customer is only known from CustomerIdentified: the interaction's
// own document gathers everything from its first event on, and once it knows its customer every
// change rewrites the whole row (a put fully determined by this one entity, so delivery order
// across interactions cannot matter). A re-identification moves the row to the new customer.
// Personal fields: the summary is kept exactly as the log holds it (encrypted under its data
// subject's key, `pii:v1:…`) beside that subject, so an erasure of the subject makes it
// unreadable here too; caller numbers, names and ticket field values are not kept (docs/security.md).
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { ReadModelLogic, Row, RowChange } from '../runtime/read-model.ts';

export type ContactOutcome = 'IN_PROGRESS' | 'SELF_SERVICE' | 'ABANDONED' | 'CALLBACK_REQUESTED' | 'TRANSFERRED_EXTERNAL' | 'HANDLED' | 'ENDED' | 'RESOLVED' | 'UNRESOLVED';
type Terminal = 'SELF_SERVICE' | 'ABANDONED' | 'CALLBACK_REQUESTED' | 'TRANSFERRED_EXTERNAL';
export type TicketStatus = 'DRAFT' | 'OPEN' | 'CLOSED';

interface WrapUp {
  readonly resolved: boolean;
  readonly disposition: string;
}

export interface CustomerHistoryState {
  readonly customerId?: string | null;
  readonly tier?: string | null;
  readonly channel?: string;
  readonly direction?: string;
  readonly sourceSystem?: string;
  readonly startedAt?: number;
  readonly lastAt?: number;
  readonly endedAt?: number | null;
  readonly queueId?: string | null;
  readonly intent?: string | null;
  /** Last agent connected. */
  readonly agentId?: string | null;
  /** Outcome that ended the contact without an agent's wrap-up deciding it (reset when an agent answers). */
  readonly terminal?: Terminal | null;
  readonly wrapUps?: Readonly<Record<string, WrapUp>>;
  readonly summary?: string | null;
  readonly summarySubject?: string | null;
  readonly ticketId?: string | null;
  readonly ticketTemplate?: string | null;
  readonly ticketStatus?: TicketStatus | null;
  readonly followUpRequired?: boolean;
  /** `KIND:SEVERITY` of each risk alert, first-raised order, without repeats. */
  readonly riskFlags?: readonly string[];
  /** Kinds of sensitive operations blocked, without repeats. */
  readonly blockedOperations?: readonly string[];
}

export const customerHistoryEventTypes: ReadonlySet<string> = new Set([
  'InteractionStarted', 'CustomerIdentified', 'IvrExited', 'QueueEntered', 'InteractionAnswered', 'InteractionTransferred', 'InteractionAbandoned',
  'CallbackRequested', 'InteractionEnded', 'SummaryGenerated', 'TicketFieldsExtracted', 'WrapUpCompleted', 'RiskAlertRaised', 'SensitiveOperationBlocked',
]);

export function outcomeOf(state: CustomerHistoryState): ContactOutcome {
  if (state.terminal) return state.terminal;
  const wrap = state.agentId ? state.wrapUps?.[state.agentId] : undefined;
  if (wrap) return wrap.resolved ? 'RESOLVED' : 'UNRESOLVED';
  if (state.endedAt !== undefined && state.endedAt !== null) return state.agentId ? 'HANDLED' : 'ENDED';
  return 'IN_PROGRESS';
}

function withFlag(list: readonly string[] | undefined, flag: string): readonly string[] {
  const current = list ?? [];
  return current.includes(flag) ? current : [...current, flag];
}

function contactRow(customerId: string, interactionId: string, s: CustomerHistoryState): Row {
  const wrap = s.agentId ? s.wrapUps?.[s.agentId] : undefined;
  return {
    customer_id: customerId, interaction_id: interactionId, channel: s.channel ?? 'UNKNOWN', direction: s.direction ?? 'UNKNOWN', source_system: s.sourceSystem ?? '',
    started_at: s.startedAt ?? 0, last_at: s.lastAt ?? 0, ended_at: s.endedAt ?? null, tier: s.tier ?? null, queue_id: s.queueId ?? null, intent: s.intent ?? null,
    outcome: outcomeOf(s), disposition: wrap?.disposition ?? null, agent_id: s.agentId ?? null, summary: s.summary ?? null, summary_subject: s.summarySubject ?? null,
    ticket_id: s.ticketId ?? null, ticket_template: s.ticketTemplate ?? null, ticket_status: s.ticketStatus ?? null, follow_up_required: s.followUpRequired ?? false,
    risk_flags: s.riskFlags ?? [], blocked_operations: s.blockedOperations ?? [],
  };
}

function applied(state: CustomerHistoryState, event: AnyLedgerEvent): CustomerHistoryState {
  const at = event.metadata.occurredAt;
  const s: CustomerHistoryState = {
    ...state,
    sourceSystem: state.sourceSystem ?? event.metadata.sourceSystem,
    startedAt: state.startedAt === undefined ? at : Math.min(state.startedAt, at),
    lastAt: state.lastAt === undefined ? at : Math.max(state.lastAt, at),
  };
  const intent = (value: string | null) => value ?? s.intent ?? null;
  switch (event.type) {
    case 'InteractionStarted':
      return { ...s, channel: event.data.channel, direction: event.data.direction };
    case 'CustomerIdentified':
      return { ...s, customerId: event.data.customerId, tier: event.data.tier };
    case 'IvrExited':
      return { ...s, intent: intent(event.data.intent), terminal: event.data.reason === 'SELF_SERVICE_DONE' ? 'SELF_SERVICE' : s.terminal ?? null };
    case 'QueueEntered':
      return { ...s, queueId: event.data.queueId, intent: intent(event.data.intent), tier: s.tier ?? event.data.tier, terminal: null };
    case 'InteractionAnswered':
      return { ...s, agentId: event.data.agentId, queueId: event.data.queueId ?? s.queueId ?? null, terminal: null };
    case 'InteractionTransferred':
      return event.data.targetKind === 'EXTERNAL' ? { ...s, terminal: 'TRANSFERRED_EXTERNAL' } : s;
    case 'InteractionAbandoned':
      return { ...s, terminal: 'ABANDONED' };
    case 'CallbackRequested':
      return { ...s, terminal: 'CALLBACK_REQUESTED' };
    case 'InteractionEnded':
      return { ...s, endedAt: at }; // the agent comes from InteractionAnswered only: a contact whose offer was never answered has none
    case 'SummaryGenerated':
      return { ...s, summary: event.data.summary, summarySubject: event.metadata.dataSubject, intent: intent(event.data.intent) };
    case 'TicketFieldsExtracted':
      return { ...s, intent: intent(event.data.intent), ticketTemplate: event.data.templateId, ticketStatus: s.ticketStatus ?? 'DRAFT' };
    case 'WrapUpCompleted': {
      const wrapUps = { ...s.wrapUps, [event.data.agentId]: { resolved: event.data.resolved, disposition: event.data.disposition } };
      const next: CustomerHistoryState = { ...s, wrapUps, intent: intent(event.data.intent), agentId: s.agentId ?? event.data.agentId };
      if (event.data.ticketId === null) return next;
      const open = event.data.followUpRequired || !event.data.resolved;
      return { ...next, ticketId: event.data.ticketId, ticketStatus: open ? 'OPEN' : 'CLOSED', followUpRequired: event.data.followUpRequired };
    }
    case 'RiskAlertRaised':
      return { ...s, riskFlags: withFlag(s.riskFlags, `${event.data.kind}:${event.data.severity}`) };
    case 'SensitiveOperationBlocked':
      return { ...s, blockedOperations: withFlag(s.blockedOperations, event.data.kind) };
    default:
      return s;
  }
}

export const customerHistoryLogic: ReadModelLogic<CustomerHistoryState> = {
  eventTypes: customerHistoryEventTypes,
  keyOf: (event) => (event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`),
  initialState: () => ({}),
  evolve(state, event) {
    const interactionId = event.metadata.interactionId;
    if (interactionId === null) return { state, changes: [] }; // keyOf gave no entity: nothing to attach it to
    const next = applied(state, event);
    const changes: RowChange[] = [];
    const before = state.customerId ?? null;
    const customerId = next.customerId ?? null;
    if (before !== null && before !== customerId) changes.push({ op: 'remove', table: 'contacts', key: { customer_id: before, interaction_id: interactionId } });
    if (customerId !== null) changes.push({ op: 'put', table: 'contacts', row: contactRow(customerId, interactionId, next) });
    return { state: next, changes };
  },
};
