// The traffic simulator as a pure, seeded, event-time decider. Inputs: `Advance` (simulate up to
// an event time), `Rescale` (change the arrival rate: stress profiles), `Stop` (log every agent
// out, end every call), the routing decisions about its own agents and calls
// (InteractionOffered, OfferTimedOut, OfferWithdrawn, routing's AgentStateChanged), so the
// product's decisions feed back into the traffic, and the outbound dialer's decisions it plays
// the telephony for (DialAttempted, its QueueEntered and DialResult DROPPED; outbound.ts).
// Output: ledger events, in event-time order.
// Same scenario, options and inputs → the same events, ids included.
import type { AnyLedgerEvent, LedgerEvent } from '../../schemas/generated/events.ts';
import { becomeReady, breakStart, createAgents, logOut, offerOver, setNotReadyByRouting, shiftEnd, shiftStart } from './agents.ts';
import { abandon, announce, answer, appToPhone, arrive, conference, endAllCalls, ivrStep, scheduleNextArrival, segment, talkEnd, transfer, wrapEnd } from './calls.ts';
import { dialResult, isTelephonyInput, telephony, telephonyTypes, type TelephonyInput } from './outbound.ts';
import type { Scenario } from './scenario.ts';
import { cancel, collector, newTrafficState, schedule, seconds, simulatorProducer, type Emit, type Scheduled, type TrafficOptions, type TrafficState } from './traffic-state.ts';

export type RoutingFeedback = LedgerEvent<'InteractionOffered'> | LedgerEvent<'OfferTimedOut'> | LedgerEvent<'OfferWithdrawn'> | LedgerEvent<'AgentStateChanged'>;

export type TrafficInput =
  | { readonly type: 'Advance'; readonly until: number }
  | { readonly type: 'Rescale'; readonly scale: number }
  | { readonly type: 'Stop' }
  | RoutingFeedback
  | TelephonyInput;

/** The event types the simulator follows from the log (the adapter subscribes to them). */
export const feedbackTypes: ReadonlySet<string> = new Set(['InteractionOffered', 'OfferTimedOut', 'OfferWithdrawn', 'AgentStateChanged', ...telephonyTypes]);

export function trafficDecider(scenario: Scenario, options: TrafficOptions) {
  return {
    initialState(): TrafficState {
      const state = newTrafficState(scenario, options);
      createAgents(state);
      scheduleNextArrival(state, state.arrivalScale);
      return state;
    },
    decide(input: TrafficInput, state: TrafficState): AnyLedgerEvent[] {
      const { events, emit } = collector(state);
      if (state.stopped) return events;
      switch (input.type) {
        case 'Advance':
          advance(state, input.until, emit);
          break;
        case 'Rescale':
          state.arrivalScale = input.scale;
          cancel(state, state.nextArrival);
          scheduleNextArrival(state, input.scale);
          break;
        case 'Stop':
          stop(state, emit);
          break;
        default:
          if (isTelephonyInput(input)) telephony(state, input, emit);
          else react(state, input, emit);
      }
      return events;
    },
  };
}

function advance(state: TrafficState, until: number, emit: Emit): void {
  for (let next = state.agenda.peek(); next !== undefined && next.at <= until; next = state.agenda.peek()) {
    state.agenda.pop();
    state.now = next.at;
    happen(state, next, emit);
  }
  state.now = Math.max(state.now, until);
}

function happen(state: TrafficState, item: Scheduled, emit: Emit): void {
  const h = item.happening;
  if (h.kind === 'arrival') return arrive(state, state.arrivalScale, emit);
  if (h.kind === 'dial-result') return dialResult(state, h.result, emit);
  if ('agentId' in h && h.kind !== 'answer') {
    const agent = state.agents.get(h.agentId);
    if (!agent) return;
    switch (h.kind) {
      case 'shift-start': return agent.activity === 'OFFLINE' ? shiftStart(state, agent, emit) : undefined;
      case 'shift-end': return shiftEnd(state, agent, emit);
      case 'break-start': return breakStart(state, agent, h.minutes, emit);
      case 'back-to-ready': return agent.activity === 'BREAK' || agent.activity === 'NOT_READY' ? becomeReady(state, agent, emit) : undefined;
      case 'wrap-end': return wrapEnd(state, agent, emit);
    }
    return;
  }
  const call = state.calls.get(h.callId);
  if (!call) return;
  switch (h.kind) {
    case 'ivr-step': return ivrStep(state, call, emit);
    case 'app-to-phone': return appToPhone(state, call, emit);
    case 'announce': return call.visit?.visitId === h.visitId ? announce(state, call, emit) : undefined;
    case 'abandon': {
      if (call.visit?.visitId !== h.visitId) return;
      const ringing = [...state.agents.values()].find((a) => a.offer?.callId === call.id);
      if (ringing?.offer) cancel(state, ringing.offer.answer);
      return abandon(state, call, ringing, emit);
    }
    case 'answer': {
      const agent = state.agents.get(h.agentId);
      if (!agent?.offer || agent.offer.offerId !== h.offerId || call.phase !== 'QUEUED') return;
      return answer(state, call, agent, h.offerId, agent.offer.offeredAt, emit);
    }
    case 'segment': return call.leg === h.leg ? segment(state, call, h.index, emit) : undefined;
    case 'conference': return call.leg === h.leg ? conference(call, emit) : undefined;
    case 'transfer': return call.leg === h.leg ? transfer(state, call, emit) : undefined;
    case 'talk-end': return call.leg === h.leg ? talkEnd(state, call, emit) : undefined;
  }
}

/** Routing's decisions about the simulator's agents. Calls the simulator does not own are declined, never answered. */
function react(state: TrafficState, event: RoutingFeedback, emit: Emit): void {
  if (event.metadata.producer.component === simulatorProducer) return;
  const agent = state.agents.get(event.data.agentId);
  if (!agent || agent.activity === 'OFFLINE') return;
  switch (event.type) {
    case 'InteractionOffered': {
      const { offerId, ringTimeoutMs } = event.data;
      const call = state.calls.get(event.metadata.interactionId ?? '');
      if (agent.activity !== 'AVAILABLE' || agent.offer !== null) return;
      if (!call && !(event.metadata.interactionId ?? '').startsWith(`sim-${state.options.runTag}-`)) {
        // Someone else's call (a human at the caller page, or a campaign call another telephony connected): leave it to the humans.
        emit('OfferDeclined', { offerId, agentId: agent.id, reasonCode: 'simulated-agent' }, { id: event.metadata.interactionId ?? '', correlationId: null, dataSubject: null });
        return;
      }
      if (!call || call.phase !== 'QUEUED') return;
      const offeredAt = event.metadata.occurredAt;
      agent.offer = { offerId, callId: call.id, offeredAt, answer: null };
      // Some offers ring out: routing times them out and sets the agent not-ready.
      if (state.random.chance(state.scenario.agents.noAnswerShare)) return;
      const { ringDelaySeconds } = state.scenario.agents;
      const ringMs = Math.min(seconds(state.random.logNormal(ringDelaySeconds.mean, ringDelaySeconds.cv)), Math.max(0, ringTimeoutMs - 1000));
      agent.offer.answer = schedule(state, Math.max(state.now, offeredAt + ringMs), { kind: 'answer', callId: call.id, agentId: agent.id, offerId });
      return;
    }
    case 'OfferTimedOut':
    case 'OfferWithdrawn':
      if (agent.offer?.offerId !== event.data.offerId) return;
      cancel(state, agent.offer.answer);
      return offerOver(state, agent, emit);
    case 'AgentStateChanged':
      if (event.data.state !== 'AVAILABLE' && agent.activity === 'AVAILABLE' && agent.offer === null) setNotReadyByRouting(state, agent);
      else if (event.data.state !== 'AVAILABLE' && agent.offer !== null) {
        cancel(state, agent.offer.answer);
        setNotReadyByRouting(state, agent);
      }
  }
}

function stop(state: TrafficState, emit: Emit): void {
  endAllCalls(state, emit);
  for (const agent of state.agents.values()) if (agent.activity !== 'OFFLINE') logOut(state, agent, 'SYSTEM', emit);
  while (state.agenda.pop() !== undefined);
  state.stopped = true;
}
