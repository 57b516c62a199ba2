// The caller's side of a call as the telephony, IVR and speech engines would report it: each
// step returns the events (JSON, as POST /v1/events/batch takes them) for the caller page to
// post. Pure — ids and times are passed in — so a walk is tested without a browser or a server.
import type { IvrFlow, IvrNode } from './ivr-flow.ts';

export interface Caller {
  readonly interactionId: string;
  readonly site: string;
  readonly callerNumber: string;
  readonly dialledNumber: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly tier: 'VIP' | 'PRIORITY' | 'STANDARD' | 'UNKNOWN';
  readonly relationshipAgentId: string | null;
  readonly language: string;
}

export type Stage = 'ivr' | 'queued' | 'ended';

export interface CallState {
  readonly caller: Caller;
  readonly startedAt: number;
  readonly stage: Stage;
  readonly nodeId: string;
  readonly depth: number;
  readonly nodesVisited: number;
  readonly intent: string | null;
  readonly attempt: number;
  readonly queue: { readonly queueId: string; readonly visitId: string; readonly enteredAt: number } | null;
  readonly segments: number;
}

export interface IngestEvent {
  readonly type: string;
  readonly metadata: Readonly<Record<string, string | number | null>>;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Step {
  readonly state: CallState;
  readonly events: readonly IngestEvent[];
  /** What the caller hears now. */
  readonly prompt: string;
}

export interface Clock {
  readonly now: number;
  readonly newId: () => string;
}

function node(flow: IvrFlow, id: string): IvrNode {
  const found = flow.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`IVR flow ${flow.flowId} has no node ${id}`);
  return found;
}

function event(state: CallState, clock: Clock, type: string, data: Record<string, unknown>): IngestEvent {
  return {
    type,
    metadata: {
      eventId: clock.newId(), eventType: type, occurredAt: clock.now, sourceSystem: 'simulator', interactionId: state.caller.interactionId,
      correlationId: null, causationId: null, dataSubject: `customer:${state.caller.customerId}`,
    },
    data,
  };
}

/** Entering a node: MENU waits for a key; TRANSFER leaves the IVR into its queue; SELF_SERVICE ends the call. */
function enter(flow: IvrFlow, state: CallState, clock: Clock, target: IvrNode, previous: string | null, intent: string | null): Step {
  const depth = previous === null ? 0 : state.depth + 1;
  const at: CallState = { ...state, nodeId: target.id, depth, nodesVisited: state.nodesVisited + 1, intent: intent ?? state.intent, attempt: 1 };
  const events: IngestEvent[] = [event(at, clock, 'IvrNodeEntered', { flowId: flow.flowId, flowVersion: flow.version, nodeId: target.id, nodeType: target.type, nodeLabel: target.label, depth, previousNodeId: previous })];
  const ivrMs = clock.now - state.startedAt;
  const exit = (reason: string) => event(at, clock, 'IvrExited', { flowId: flow.flowId, flowVersion: flow.version, lastNodeId: target.id, reason, durationMs: ivrMs, nodesVisited: at.nodesVisited, intent: at.intent, errorCode: null });
  if (target.type === 'TRANSFER') {
    const queueId = target.queueId ?? 'general';
    const visitId = `${state.caller.interactionId}/visit-1`;
    events.push(exit(target.zeroOut ? 'ZERO_OUT' : 'TO_AGENT'));
    events.push(event(at, clock, 'QueueEntered', { visitId, queueId, tier: state.caller.tier, priority: 0, requiredSkills: [], position: 1, expectedWaitMs: null, intent: at.intent }));
    return { state: { ...at, stage: 'queued', queue: { queueId, visitId, enteredAt: clock.now } }, events, prompt: target.prompt };
  }
  if (target.type === 'SELF_SERVICE') {
    events.push(exit('SELF_SERVICE_DONE'));
    events.push(event(at, clock, 'InteractionEnded', { endedBy: 'CUSTOMER', durationMs: ivrMs, agentId: null, releaseCause: 'self-service done' }));
    return { state: { ...at, stage: 'ended' }, events, prompt: target.prompt };
  }
  return { state: at, events, prompt: target.prompt };
}

/** The call starts: the telephony reports it, the CTI identifies the caller by number, the IVR answers at its root. */
export function startCall(flow: IvrFlow, caller: Caller, clock: Clock): Step {
  const state: CallState = { caller, startedAt: clock.now, stage: 'ivr', nodeId: flow.root, depth: 0, nodesVisited: 0, intent: null, attempt: 1, queue: null, segments: 0 };
  const started = event(state, clock, 'InteractionStarted', {
    interactionId: caller.interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: caller.callerNumber, dialledNumber: caller.dialledNumber, site: caller.site,
    previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null,
  });
  const identified = event(state, clock, 'CustomerIdentified', {
    customerId: caller.customerId, method: 'CALLER_NUMBER', tier: caller.tier, relationshipAgentId: caller.relationshipAgentId, customerName: caller.customerName, preferredLanguage: caller.language,
  });
  const root = enter(flow, state, clock, node(flow, flow.root), null, null);
  return { ...root, events: [started, identified, ...root.events] };
}

/** A keypad press in the IVR: a matched option moves on; anything else is a no-match and the prompt repeats. */
export function pressKey(flow: IvrFlow, state: CallState, digit: string, clock: Clock): Step {
  const current = node(flow, state.nodeId);
  if (state.stage !== 'ivr') return { state, events: [], prompt: state.stage === 'queued' ? 'Please hold: you are in the queue.' : 'The call has ended.' };
  const option = current.options?.[digit];
  const input = (outcome: string, intent: string | null) => event(state, clock, 'IvrInputReceived', {
    flowId: flow.flowId, flowVersion: flow.version, nodeId: current.id, mode: 'DTMF', outcome, selectedOption: outcome === 'MATCHED' ? digit : null, digits: null, utterance: null, intent, confidence: null, attempt: state.attempt,
  });
  if (!option) return { state: { ...state, attempt: state.attempt + 1 }, events: [input('NO_MATCH', null)], prompt: `Sorry, ${digit} is not an option. ${current.prompt}` };
  const next = enter(flow, state, clock, node(flow, option.next), current.id, option.intent ?? null);
  return { ...next, events: [input('MATCHED', option.intent ?? null), ...next.events] };
}

/** The speech engine recognised a line the caller said. */
export function speak(state: CallState, text: string, clock: Clock): Step {
  if (state.stage === 'ended') return { state, events: [], prompt: 'The call has ended.' };
  const segments = state.segments + 1;
  const endMs = clock.now - state.startedAt;
  const startMs = Math.max(0, endMs - Math.min(8000, 300 * text.length));
  const language = /[\u3400-\u9fff]/.test(text) ? 'zh-CN' : 'en';
  const next = { ...state, segments };
  return {
    state: next, prompt: '',
    events: [event(next, clock, 'TranscriptSegmentRecognized', { segmentId: `${state.caller.interactionId}/s${String(segments).padStart(4, '0')}`, speaker: 'CUSTOMER', text, startMs, endMs, confidence: 0.95, language, engine: 'caller-page' })],
  };
}

/**
 * The caller hangs up. In the IVR that is an IVR abandon. Past the IVR the page cannot tell a
 * queue abandon from the end of a conversation (it holds an ingest token, so it does not see
 * whether an agent answered), so it reports what the telephony knows for certain: the call ended.
 */
export function hangUp(flow: IvrFlow, state: CallState, clock: Clock): Step {
  if (state.stage === 'ended') return { state, events: [], prompt: 'The call has ended.' };
  const durationMs = clock.now - state.startedAt;
  const events: IngestEvent[] = [];
  if (state.stage === 'ivr') {
    events.push(event(state, clock, 'IvrExited', { flowId: flow.flowId, flowVersion: flow.version, lastNodeId: state.nodeId, reason: 'HANG_UP', durationMs, nodesVisited: state.nodesVisited, intent: state.intent, errorCode: null }));
    events.push(event(state, clock, 'InteractionAbandoned', { stage: 'IVR', waitedMs: durationMs, visitId: null, queueId: null, position: null, ivrNodeId: state.nodeId }));
  }
  events.push(event(state, clock, 'InteractionEnded', { endedBy: 'CUSTOMER', durationMs, agentId: null, releaseCause: 'caller hung up' }));
  return { state: { ...state, stage: 'ended' }, events, prompt: 'You hung up.' };
}
