// The simulator as the telephony side of outbound campaigns (docs/outbound.md, "The telephony
// contract"): it dials what the dialer decided (DialAttempted) and reports the result after the
// ring time (DialResult: the simulated customer answers, is busy, reaches voicemail, the line
// fails, or it rings out); an answered call the dialer puts into routing (its QueueEntered)
// becomes a simulated call the simulated agents take like any other; a call the dialer judged
// dropped (DialResult DROPPED: no agent within the grace) is the customer hanging up on the
// safe-harbour message. The agent's wrap-up records the outcome (campaign-outcomes.ts).
import type { DialResultData, LedgerEvent } from '../../schemas/generated/events.ts';
import { dialerComponent } from '../../streams/outbound/dialer.decider.ts';
import { abandon } from './calls.ts';
import type { OutboundSpec, ServiceType, TierSpec } from './scenario.ts';
import { dialOutcome } from './telephony.ts';
import { cancel, schedule, type Emit, type SimCall, type TrafficState } from './traffic-state.ts';

export type TelephonyInput = LedgerEvent<'DialAttempted'> | LedgerEvent<'DialResult'> | LedgerEvent<'QueueEntered'>;

/** The dialer's outputs the simulator follows as the telephony. */
export const telephonyTypes: ReadonlySet<string> = new Set(['DialAttempted', 'DialResult', 'QueueEntered']);

/** Customers the bank calls are identified by the campaign's contact list: standard tier, no IVR, no patience of their own (the drop is the dialer's verdict). */
const campaignTier: TierSpec = { tier: 'STANDARD', share: 0, priority: 0, patienceSeconds: 0 };

export function isTelephonyInput(event: { readonly type: string }): event is TelephonyInput {
  return telephonyTypes.has(event.type);
}

/** Only the dialer's decisions count: a DialResult the simulator reported itself, or an inbound QueueEntered, is no instruction. */
export function telephony(state: TrafficState, event: TelephonyInput, emit: Emit): void {
  const { outbound } = state.scenario;
  if (!outbound || event.metadata.producer.component !== dialerComponent) return;
  switch (event.type) {
    case 'DialAttempted': return dial(state, outbound, event);
    case 'QueueEntered': return queued(state, outbound, event, emit);
    case 'DialResult': return event.data.result === 'DROPPED' ? dropped(state, event.data.interactionId ?? '', emit) : undefined;
  }
}

function dial(state: TrafficState, outbound: OutboundSpec, event: LedgerEvent<'DialAttempted'>): void {
  const { campaignId, contactId, attemptId, interactionId } = event.data;
  const { result, ringMs, sipCause } = dialOutcome(state.random.next, outbound.telephony);
  schedule(state, event.metadata.occurredAt + ringMs, { kind: 'dial-result', result: { campaignId, contactId, attemptId, result, ringMs, agentId: null, interactionId, sipCause } });
}

/** The ring time is over: the result is reported; an answering customer waits for the dialer to queue the call. */
export function dialResult(state: TrafficState, result: DialResultData, emit: Emit): void {
  if (result.result === 'ANSWERED' && result.interactionId !== null) state.answeredDials.set(result.interactionId, { campaignId: result.campaignId, dropped: false });
  emit('DialResult', result);
}

function queued(state: TrafficState, outbound: OutboundSpec, event: LedgerEvent<'QueueEntered'>, emit: Emit): void {
  const id = event.metadata.interactionId ?? '';
  const dial = state.answeredDials.get(id);
  if (!dial) return;
  state.answeredDials.delete(id);
  const { visitId, queueId, intent } = event.data;
  const service: ServiceType = {
    id: `campaign:${dial.campaignId}`, queueId, skill: '', minProficiency: 0, intent: intent ?? 'outbound', service: outbound.talkSeconds,
    conversations: {}, transferShare: 0, conferenceShare: 0,
  };
  const position = (state.waiting.get(queueId) ?? 0) + 1;
  state.waiting.set(queueId, position);
  const dataSubject = event.metadata.dataSubject ?? `caller:${id}`;
  const call: SimCall = {
    id, customerId: dataSubject.startsWith('customer:') ? dataSubject.slice('customer:'.length) : '', dataSubject, tier: campaignTier, startedAt: state.now, channel: 'VOICE',
    phase: 'QUEUED', ivrNode: '', ivrDepth: 0, ivrEnteredAt: state.now, service, visit: { visitId, queueId, enteredAt: state.now, abandon: null, announce: null, position }, visits: 1,
    leg: 0, agentId: null, answeredAt: 0, pending: [], transferred: false, plan: [], language: Object.keys(state.scenario.transcripts.languages)[0] ?? 'zh-CN',
    correlationId: event.metadata.correlationId, previousInteractionId: null, campaignId: dial.campaignId,
  };
  state.calls.set(id, call);
  // The drop verdict came in before the call's QueueEntered (they travel on different topics).
  if (dial.dropped) dropped(state, id, emit);
}

/** No agent within the grace: the customer hears the safe-harbour message and the call ends. A call an agent already answered goes on. */
function dropped(state: TrafficState, interactionId: string, emit: Emit): void {
  const waiting = state.answeredDials.get(interactionId);
  if (waiting) {
    state.answeredDials.set(interactionId, { ...waiting, dropped: true });
    return;
  }
  const call = state.calls.get(interactionId);
  if (!call || call.campaignId === null || call.phase !== 'QUEUED') return;
  const ringing = [...state.agents.values()].find((a) => a.offer?.callId === call.id);
  if (ringing?.offer) cancel(state, ringing.offer.answer);
  abandon(state, call, ringing, emit);
}
