// The agent workstation's commands as a pure decider (Emmett's shape): `evolve` folds the
// agent's and the interaction's recent events into a small state, `decide(command, state)`
// returns the events the command becomes, or a refusal with a reason. No clock, ids or I/O:
// time arrives in the command (`now`), event ids and metadata are stamped by the caller.
import type {
  AgentLoggedInData, AgentStateChangedData, AnyLedgerEvent, ConferenceStartedData, InteractionTransferredData, LedgerEventMap, LedgerEventType, TicketField,
} from '../../schemas/generated/events.ts';

type AgentStateName = AgentStateChangedData['state'];

export interface OfferView {
  readonly offerId: string;
  readonly agentId: string;
  readonly queueId: string | null;
  readonly offeredAt: number;
  readonly status: 'ringing' | 'answered' | 'declined' | 'timed-out' | 'withdrawn';
}

export interface InteractionView {
  readonly interactionId: string;
  readonly dataSubject: string | null;
  readonly startedAt: number | null;
  readonly queueEnteredAt: number | null;
  readonly offers: ReadonlyMap<string, OfferView>;
  /** Agent connected to the customer now (answered and not transferred away), if any. */
  readonly connectedAgentId: string | null;
  readonly heldSince: number | null;
  readonly endedAt: number | null;
  readonly prefill: { readonly intent: string | null; readonly fields: readonly TicketField[] } | null;
  readonly wrappedUpBy: ReadonlySet<string>;
}

export interface AgentView {
  readonly agentId: string;
  readonly loggedIn: boolean;
  readonly loginAt: number | null;
  readonly state: AgentStateName;
  readonly since: number;
  /** The interaction that made the agent BUSY or WRAP_UP. */
  readonly interactionId: string | null;
}

export interface WorkstationState {
  readonly agent: AgentView;
  readonly interactions: ReadonlyMap<string, InteractionView>;
}

export type AgentCommand =
  | { readonly kind: 'LogIn'; readonly data: Omit<AgentLoggedInData, 'agentId'> }
  | { readonly kind: 'LogOut'; readonly reason: 'END_OF_SHIFT' | 'FORCED' | 'TIMEOUT' | 'SYSTEM' | 'OTHER' }
  | { readonly kind: 'ChangeState'; readonly state: 'AVAILABLE' | 'BREAK' | 'TRAINING'; readonly reasonCode: string | null }
  | { readonly kind: 'AcceptOffer'; readonly interactionId: string; readonly offerId: string }
  | { readonly kind: 'DeclineOffer'; readonly interactionId: string; readonly offerId: string; readonly reasonCode: string | null }
  | { readonly kind: 'Hold'; readonly interactionId: string; readonly reasonCode: string | null }
  | { readonly kind: 'Resume'; readonly interactionId: string }
  | { readonly kind: 'Transfer'; readonly interactionId: string; readonly transfer: Omit<InteractionTransferredData, 'fromAgentId'> }
  | { readonly kind: 'StartConference'; readonly interactionId: string; readonly participants: ConferenceStartedData['participants'] }
  | { readonly kind: 'EndCall'; readonly interactionId: string }
  | {
    readonly kind: 'CompleteWrapUp'; readonly interactionId: string; readonly disposition: string; readonly resolved: boolean; readonly intent: string | null;
    readonly ticketId: string | null; readonly ticketFields: readonly TicketField[]; readonly followUpRequired: boolean; readonly nextState: 'AVAILABLE' | 'BREAK';
  };

/** What every command carries: who and when (event time, from the server clock). */
export interface CommandContext {
  readonly agentId: string;
  readonly now: number;
}

/** An event to append: its type, data and the interaction it belongs to (metadata is stamped by the caller). */
export interface Decided<T extends LedgerEventType = LedgerEventType> {
  readonly type: T;
  readonly interactionId: string | null;
  readonly data: LedgerEventMap[T];
}

export type Decision =
  | { readonly ok: true; readonly events: readonly Decided[] }
  /** `illegal`: not allowed in this state (409); `invalid`: the command itself is malformed (422); `forbidden`: not this agent's (403). */
  | { readonly ok: false; readonly kind: 'illegal' | 'invalid' | 'forbidden'; readonly reason: string };

export function initialState(agentId: string): WorkstationState {
  return { agent: { agentId, loggedIn: false, loginAt: null, state: 'OFFLINE', since: 0, interactionId: null }, interactions: new Map() };
}

function emptyInteraction(interactionId: string): InteractionView {
  return { interactionId, dataSubject: null, startedAt: null, queueEnteredAt: null, offers: new Map(), connectedAgentId: null, heldSince: null, endedAt: null, prefill: null, wrappedUpBy: new Set() };
}

function withOffer(view: InteractionView, offerId: string, change: (offer: OfferView) => OfferView): InteractionView {
  const offer = view.offers.get(offerId);
  if (!offer) return view;
  const offers = new Map(view.offers);
  offers.set(offerId, change(offer));
  return { ...view, offers };
}

function evolveInteraction(view: InteractionView, event: AnyLedgerEvent): InteractionView {
  const at = event.metadata.occurredAt;
  const next = view.dataSubject === null && event.metadata.dataSubject ? { ...view, dataSubject: event.metadata.dataSubject } : view;
  switch (event.type) {
    case 'InteractionStarted':
      return { ...next, startedAt: at };
    case 'QueueEntered':
      return { ...next, queueEnteredAt: at };
    case 'InteractionOffered': {
      const offers = new Map(next.offers);
      offers.set(event.data.offerId, { offerId: event.data.offerId, agentId: event.data.agentId, queueId: event.data.queueId, offeredAt: at, status: 'ringing' });
      return { ...next, offers };
    }
    case 'InteractionAnswered': {
      const answered = event.data.offerId ? withOffer(next, event.data.offerId, (o) => ({ ...o, status: 'answered' })) : next;
      return { ...answered, connectedAgentId: event.data.agentId };
    }
    case 'OfferDeclined':
      return withOffer(next, event.data.offerId, (o) => ({ ...o, status: 'declined' }));
    case 'OfferTimedOut':
      return withOffer(next, event.data.offerId, (o) => ({ ...o, status: 'timed-out' }));
    case 'OfferWithdrawn':
      return withOffer(next, event.data.offerId, (o) => ({ ...o, status: 'withdrawn' }));
    case 'InteractionHeld':
      return { ...next, heldSince: at };
    case 'InteractionResumed':
      return { ...next, heldSince: null };
    case 'InteractionTransferred':
      return { ...next, connectedAgentId: event.data.targetKind === 'AGENT' ? event.data.targetAgentId : null, heldSince: null };
    case 'InteractionEnded':
    case 'InteractionAbandoned':
      return { ...next, endedAt: at, heldSince: null };
    case 'TicketFieldsExtracted':
      return { ...next, prefill: { intent: event.data.intent, fields: event.data.fields } };
    case 'WrapUpCompleted': {
      const wrappedUpBy = new Set(next.wrappedUpBy);
      wrappedUpBy.add(event.data.agentId);
      return { ...next, wrappedUpBy };
    }
    default:
      return next;
  }
}

function evolveAgent(agent: AgentView, event: AnyLedgerEvent): AgentView {
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'AgentLoggedIn':
      return event.data.agentId === agent.agentId ? { ...agent, loggedIn: true, loginAt: at, state: 'UNKNOWN', since: at, interactionId: null } : agent;
    case 'AgentLoggedOut':
      return event.data.agentId === agent.agentId ? { ...agent, loggedIn: false, state: 'OFFLINE', since: at, interactionId: null } : agent;
    case 'AgentStateChanged':
      return event.data.agentId === agent.agentId
        ? { ...agent, loggedIn: event.data.state !== 'OFFLINE', state: event.data.state, since: at, interactionId: event.data.interactionId }
        : agent;
    default:
      return agent;
  }
}

/** Folds one event of the agent or of an interaction the agent touched. */
export function evolve(state: WorkstationState, event: AnyLedgerEvent): WorkstationState {
  const agent = evolveAgent(state.agent, event);
  const interactionId = event.metadata.interactionId;
  if (!interactionId) return agent === state.agent ? state : { ...state, agent };
  const interactions = new Map(state.interactions);
  interactions.set(interactionId, evolveInteraction(state.interactions.get(interactionId) ?? emptyInteraction(interactionId), event));
  return { agent, interactions };
}

const ok = (...events: Decided[]): Decision => ({ ok: true, events });
const illegal = (reason: string): Decision => ({ ok: false, kind: 'illegal', reason });
const invalid = (reason: string): Decision => ({ ok: false, kind: 'invalid', reason });

function event<T extends LedgerEventType>(type: T, interactionId: string | null, data: LedgerEventMap[T]): Decided {
  return { type, interactionId, data } as Decided;
}

function stateChange(agent: AgentView, state: AgentStateName, reasonCode: string | null, interactionId: string | null): Decided {
  return event('AgentStateChanged', null, { agentId: agent.agentId, state, previousState: agent.state, reasonCode, interactionId });
}

/** The agent is in wrap-up for this call: WRAP_UP for it, or still BUSY on it after the call ended. */
function wrapUpStart(state: WorkstationState, interactionId: string): number | null {
  const { agent } = state;
  const call = state.interactions.get(interactionId);
  if (agent.interactionId !== interactionId || call?.wrappedUpBy.has(agent.agentId)) return null;
  if (agent.state === 'WRAP_UP') return agent.since;
  if (agent.state === 'BUSY' && call?.endedAt != null) return call.endedAt;
  return null;
}

/** The call the agent is talking on now (answered by them, not ended, not transferred away). */
function connected(state: WorkstationState, interactionId: string): InteractionView | string {
  const call = state.interactions.get(interactionId);
  if (!call || call.connectedAgentId !== state.agent.agentId) return `you are not connected to interaction ${interactionId}`;
  if (call.endedAt !== null) return `interaction ${interactionId} has ended`;
  return call;
}

export function decide(command: AgentCommand, state: WorkstationState, context: CommandContext): Decision {
  const { agent } = state;
  const { now } = context;
  if (command.kind === 'LogIn') {
    if (agent.loggedIn) return illegal(`agent ${agent.agentId} is already logged in (since ${new Date(agent.loginAt ?? agent.since).toISOString()})`);
    return ok(event('AgentLoggedIn', null, { agentId: agent.agentId, ...command.data }));
  }
  if (!agent.loggedIn) return illegal(`agent ${agent.agentId} is not logged in`);
  const ringing = [...state.interactions.values()].flatMap((c) => [...c.offers.values()]).filter((o) => o.agentId === agent.agentId && o.status === 'ringing');

  switch (command.kind) {
    case 'LogOut': {
      if (agent.state === 'BUSY' && agent.interactionId && state.interactions.get(agent.interactionId)?.endedAt == null) {
        return illegal(`you are on interaction ${agent.interactionId}: end or transfer it before logging out`);
      }
      if (agent.interactionId && wrapUpStart(state, agent.interactionId) !== null) return illegal(`complete the wrap-up of interaction ${agent.interactionId} before logging out`);
      return ok(event('AgentLoggedOut', null, { agentId: agent.agentId, reason: command.reason, sessionMs: Math.max(0, now - (agent.loginAt ?? now)) }));
    }
    case 'ChangeState': {
      if (agent.state === 'BUSY' && agent.interactionId && state.interactions.get(agent.interactionId)?.endedAt == null) {
        return illegal(`you are on interaction ${agent.interactionId}; state changes wait until the call is over`);
      }
      if (agent.interactionId && wrapUpStart(state, agent.interactionId) !== null) return illegal(`complete the wrap-up of interaction ${agent.interactionId} first`);
      if (command.state !== 'AVAILABLE' && !command.reasonCode) return invalid(`a reason code is required for ${command.state}`);
      if (agent.state === command.state) return illegal(`you are already ${command.state}`);
      return ok(stateChange(agent, command.state, command.reasonCode, null));
    }
    case 'AcceptOffer':
    case 'DeclineOffer': {
      const call = state.interactions.get(command.interactionId);
      const offer = call?.offers.get(command.offerId);
      if (!call || !offer) return illegal(`offer ${command.offerId} of interaction ${command.interactionId} is not known`);
      if (offer.agentId !== agent.agentId) return illegal(`offer ${command.offerId} went to another agent`);
      if (offer.status !== 'ringing') return illegal(`offer ${command.offerId} is no longer ringing (${offer.status})`);
      if (call.endedAt !== null) return illegal(`interaction ${command.interactionId} has ended`);
      if (command.kind === 'DeclineOffer') return ok(event('OfferDeclined', call.interactionId, { offerId: offer.offerId, agentId: agent.agentId, reasonCode: command.reasonCode }));
      if (call.connectedAgentId !== null) return illegal(`interaction ${command.interactionId} is already answered`);
      return ok(
        event('InteractionAnswered', call.interactionId, {
          agentId: agent.agentId, offerId: offer.offerId, queueId: offer.queueId,
          queueWaitMs: call.queueEnteredAt === null ? null : Math.max(0, now - call.queueEnteredAt), ringMs: Math.max(0, now - offer.offeredAt),
        }),
        stateChange(agent, 'BUSY', null, call.interactionId),
      );
    }
    case 'Hold': {
      const call = connected(state, command.interactionId);
      if (typeof call === 'string') return illegal(call);
      if (call.heldSince !== null) return illegal('the customer is already on hold');
      return ok(event('InteractionHeld', call.interactionId, { agentId: agent.agentId, reasonCode: command.reasonCode }));
    }
    case 'Resume': {
      const call = connected(state, command.interactionId);
      if (typeof call === 'string') return illegal(call);
      if (call.heldSince === null) return illegal('the customer is not on hold');
      return ok(event('InteractionResumed', call.interactionId, { agentId: agent.agentId, heldMs: Math.max(0, now - call.heldSince) }));
    }
    case 'Transfer': {
      const call = connected(state, command.interactionId);
      if (typeof call === 'string') return illegal(call);
      const t = command.transfer;
      if (t.targetKind === 'QUEUE' && !t.targetQueueId) return invalid('targetQueueId is required to transfer to a queue');
      if (t.targetKind === 'AGENT' && !t.targetAgentId) return invalid('targetAgentId is required to transfer to an agent');
      if (t.targetKind === 'AGENT' && t.targetAgentId === agent.agentId) return invalid('you cannot transfer a call to yourself');
      if (t.targetKind === 'EXTERNAL' && !t.targetExternalNumber) return invalid('targetExternalNumber is required to transfer to an external number');
      const transferred = event('InteractionTransferred', call.interactionId, { fromAgentId: agent.agentId, ...t });
      return ok(transferred, stateChange(agent, 'WRAP_UP', null, call.interactionId));
    }
    case 'StartConference': {
      const call = connected(state, command.interactionId);
      if (typeof call === 'string') return illegal(call);
      if (call.heldSince !== null) return illegal('resume the customer before starting a conference');
      const others = command.participants.filter((p) => p.role !== 'CUSTOMER' && p.agentId !== agent.agentId);
      if (others.length === 0) return invalid('a conference needs at least one other participant');
      const participants = [
        { role: 'CUSTOMER' as const, agentId: null, externalNumber: null },
        { role: 'AGENT' as const, agentId: agent.agentId, externalNumber: null },
        ...others,
      ];
      return ok(event('ConferenceStarted', call.interactionId, { hostAgentId: agent.agentId, participants }));
    }
    case 'EndCall': {
      const call = connected(state, command.interactionId);
      if (typeof call === 'string') return illegal(call);
      return ok(
        event('InteractionEnded', call.interactionId, { endedBy: 'AGENT', durationMs: call.startedAt === null ? 0 : Math.max(0, now - call.startedAt), agentId: agent.agentId, releaseCause: 'agent hang-up' }),
        stateChange(agent, 'WRAP_UP', null, call.interactionId),
      );
    }
    case 'CompleteWrapUp': {
      const since = wrapUpStart(state, command.interactionId);
      if (since === null) {
        if (ringing.length > 0 || agent.interactionId !== command.interactionId) return illegal(`there is no call ${command.interactionId} to wrap up`);
        return illegal(`interaction ${command.interactionId} is still in progress: end or transfer it first`);
      }
      const prefill = state.interactions.get(command.interactionId)?.prefill;
      const kept = prefill ? command.ticketFields.filter((f) => prefill.fields.some((p) => p.name === f.name && p.value === f.value)).length : 0;
      return ok(
        event('WrapUpCompleted', command.interactionId, {
          agentId: agent.agentId, disposition: command.disposition, resolved: command.resolved, intent: command.intent ?? prefill?.intent ?? null, ticketId: command.ticketId,
          ticketFields: command.ticketFields, prefilledFieldsAccepted: kept, wrapUpMs: Math.max(0, now - since), followUpRequired: command.followUpRequired,
        }),
        stateChange({ ...agent, state: 'WRAP_UP' }, command.nextState, command.nextState === 'AVAILABLE' ? null : 'after-call', null),
      );
    }
  }
}

/** Which interactions' events a command needs besides the agent's own. */
export function interactionOf(command: AgentCommand): string | null {
  return 'interactionId' in command ? command.interactionId : null;
}
