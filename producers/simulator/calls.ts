// Simulated callers: arrival by channel and tier, the IVR walk (choices, identification,
// voiceprint, self-service containment, hang-ups), waiting in queue (patience, the position
// announcement and its spike of hang-ups), and the agent leg (answer, transcript, conference,
// transfer, end, wrap-up).
import { arrivalCurve, nextArrival } from './arrivals.ts';
import { becomeReady } from './agents.ts';
import { campaignOutcome } from './campaign-outcomes.ts';
import type { IvrNode, ServiceType } from './scenario.ts';
import { planSegments } from './transcripts.ts';
import { cancel, localMinutes, schedule, seconds, type Emit, type SimAgent, type SimCall, type TrafficState } from './traffic-state.ts';

const dialledNumber = '95588';

/** Schedules the next arrival from now at the current scale (the arrival happening itself holds no state). */
export function scheduleNextArrival(state: TrafficState, scale: number): void {
  const at = nextArrival(arrivalCurve(state.scenario, scale), state.random, state.now, (t) => localMinutes(state, t));
  state.nextArrival = at === null ? null : schedule(state, at, { kind: 'arrival' });
}

function newCall(state: TrafficState, channel: 'VOICE' | 'VIDEO', correlationId: string | null, previousInteractionId: string | null): SimCall {
  const { random, scenario } = state;
  const tier = random.weighted(scenario.tiers, (t) => t.share);
  const id = `sim-${state.options.runTag}-${++state.callCounter}`;
  const identified = tier.tier !== 'UNKNOWN';
  const customerId = identified ? `SC${String(Math.floor(random.next() * 1e9)).padStart(9, '0')}` : '';
  const languages = Object.entries(scenario.transcripts.languages);
  const call: SimCall = {
    id, customerId, dataSubject: identified ? `customer:${customerId}` : `caller:${id}`, tier, startedAt: state.now, channel,
    phase: 'IVR', ivrNode: scenario.ivr.root, ivrDepth: 0, ivrEnteredAt: state.now, service: null, visit: null, visits: 0, leg: 0,
    agentId: null, answeredAt: 0, pending: [], transferred: false, plan: [], language: random.weighted(languages, ([, w]) => w)[0],
    correlationId, previousInteractionId, campaignId: null,
  };
  state.calls.set(id, call);
  return call;
}

function callerNumber(state: TrafficState): string {
  return `+86139${String(Math.floor(state.random.next() * 1e8)).padStart(8, '0')}`;
}

function started(state: TrafficState, call: SimCall, channel: 'VOICE' | 'VIDEO' | 'APP', emit: Emit, interactionId = call.id): void {
  emit('InteractionStarted', {
    interactionId, channel, direction: 'INBOUND', callerNumber: channel === 'APP' ? null : callerNumber(state), dialledNumber: channel === 'APP' ? null : dialledNumber,
    site: state.options.site, previousInteractionId: interactionId === call.id ? call.previousInteractionId : null, campaignId: null, contactId: null, externalCallId: null,
  }, { ...call, id: interactionId });
}

function identify(state: TrafficState, call: SimCall, method: 'CALLER_NUMBER' | 'APP_SESSION' | 'VIDEO_IDENTITY', emit: Emit): void {
  if (call.tier.tier === 'UNKNOWN') return;
  emit('CustomerIdentified', {
    customerId: call.customerId, method, tier: call.tier.tier, relationshipAgentId: call.tier.relationshipAgent ? relationshipAgent(state, call) : null,
    customerName: null, preferredLanguage: call.language,
  }, call);
}

function relationshipAgent(state: TrafficState, call: SimCall): string | null {
  const candidates = [...state.agents.values()].filter((a) => a.group.relationshipAgents);
  if (candidates.length === 0) return null;
  let hash = 0;
  for (const ch of call.customerId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return candidates[hash % candidates.length].id;
}

/** A new contact: phone into the IVR, an app session handed off to phone, or a video call. */
export function arrive(state: TrafficState, scale: number, emit: Emit): void {
  scheduleNextArrival(state, scale);
  const { channels, video } = state.scenario;
  const channel = state.random.weighted(['phone', 'app', 'video'] as const, (c) => (c === 'phone' ? channels.phone : c === 'app' ? channels.appHandOff : channels.video));
  if (channel === 'video') {
    const call = newCall(state, 'VIDEO', null, null);
    started(state, call, 'VIDEO', emit);
    identify(state, call, 'VIDEO_IDENTITY', emit);
    enterQueue(state, call, { id: 'video', queueId: video.queueId, skill: video.skill, minProficiency: 1, intent: 'video_service', service: video.service, conversations: {}, transferShare: 0, conferenceShare: 0 }, emit);
    return;
  }
  if (channel === 'app') {
    // The app session starts, the customer browses, then taps "call me": the phone call carries the app session's history.
    const call = newCall(state, 'VOICE', null, null);
    const appId = `${call.id}-app`;
    call.correlationId = appId;
    call.previousInteractionId = appId;
    call.phase = 'APP';
    started(state, call, 'APP', emit, appId);
    call.pending.push(schedule(state, state.now + seconds(state.random.uniform(30, 180)), { kind: 'app-to-phone', callId: call.id }));
    return;
  }
  const call = newCall(state, 'VOICE', null, null);
  started(state, call, 'VOICE', emit);
  identify(state, call, 'CALLER_NUMBER', emit);
  enterIvrNode(state, call, state.scenario.ivr.root, null, emit);
}

export function appToPhone(state: TrafficState, call: SimCall, emit: Emit): void {
  emit('InteractionEnded', { endedBy: 'CUSTOMER', durationMs: state.now - call.startedAt, agentId: null, releaseCause: 'app hand-off to phone' }, { ...call, id: call.previousInteractionId ?? call.id });
  call.phase = 'IVR';
  started(state, call, 'VOICE', emit);
  identify(state, call, 'APP_SESSION', emit);
  // The hand-off carries the need chosen in the app: no menus, straight to the queue.
  enterQueue(state, call, silentWalk(state), emit);
}

/** The service a caller would reach through the menus, without the IVR events (hand-offs). */
function silentWalk(state: TrafficState): ServiceType {
  const nodes = nodeMap(state);
  let node = nodes.get(state.scenario.ivr.root) as IvrNode;
  while (node.type !== 'TRANSFER') node = nodes.get(state.random.weighted(node.options ?? [], (o) => o.weight).next) as IvrNode;
  return serviceOf(state, node.serviceType ?? '');
}

function nodeMap(state: TrafficState): ReadonlyMap<string, IvrNode> {
  return new Map(state.scenario.ivr.nodes.map((n) => [n.id, n]));
}

function serviceOf(state: TrafficState, id: string): ServiceType {
  const service = state.scenario.serviceTypes.find((s) => s.id === id);
  if (!service) throw new Error(`serviceTypes: no service type '${id}'`);
  return service;
}

function enterIvrNode(state: TrafficState, call: SimCall, nodeId: string, previous: string | null, emit: Emit): void {
  const node = nodeMap(state).get(nodeId) as IvrNode;
  const { flowId, flowVersion } = state.scenario.ivr;
  call.ivrNode = nodeId;
  call.ivrDepth++;
  emit('IvrNodeEntered', { flowId, flowVersion, nodeId, nodeType: node.type, nodeLabel: node.label, depth: call.ivrDepth, previousNodeId: previous }, call);
  // VIPs are auto-routed: no menu time.
  const dwell = call.tier.skipIvr ? 0.5 : state.random.uniform(0.6, 1.4) * node.dwellSeconds;
  call.pending = [schedule(state, state.now + seconds(dwell), { kind: 'ivr-step', callId: call.id })];
}

export function ivrStep(state: TrafficState, call: SimCall, emit: Emit): void {
  const { flowId, flowVersion } = state.scenario.ivr;
  const node = nodeMap(state).get(call.ivrNode) as IvrNode;
  const ivrExited = (reason: 'TO_AGENT' | 'SELF_SERVICE_DONE' | 'HANG_UP', intent: string | null): void =>
    emit('IvrExited', { flowId, flowVersion, lastNodeId: node.id, reason, durationMs: state.now - call.ivrEnteredAt, nodesVisited: call.ivrDepth, intent, errorCode: null }, call);
  if (!call.tier.skipIvr && state.random.chance(state.scenario.patience.ivrHangUpPerNode)) {
    ivrExited('HANG_UP', null);
    emit('InteractionAbandoned', { stage: 'IVR', waitedMs: state.now - call.ivrEnteredAt, visitId: null, queueId: null, position: null, ivrNodeId: node.id }, call);
    return endCall(state, call, 'CUSTOMER', emit);
  }
  switch (node.type) {
    case 'TRANSFER': {
      const service = serviceOf(state, node.serviceType ?? '');
      ivrExited('TO_AGENT', service.intent);
      return enterQueue(state, call, service, emit);
    }
    case 'SELF_SERVICE':
      if (!call.tier.skipIvr && state.random.chance(node.containment ?? 0)) {
        ivrExited('SELF_SERVICE_DONE', null);
        return endCall(state, call, 'CUSTOMER', emit);
      }
      break;
    case 'IDENTIFY':
      verifyVoice(state, call, emit);
      break;
    case 'MENU':
      break;
  }
  const option = state.random.weighted(node.options ?? [], (o) => o.weight);
  if (node.type === 'MENU') {
    emit('IvrInputReceived', {
      flowId, flowVersion, nodeId: node.id, mode: 'DTMF', outcome: 'MATCHED', selectedOption: option.next, digits: option.digits ?? null,
      utterance: null, intent: option.intent ?? null, confidence: null, attempt: 1,
    }, call);
  }
  enterIvrNode(state, call, option.next, node.id, emit);
}

function verifyVoice(state: TrafficState, call: SimCall, emit: Emit): void {
  const { voiceprint } = state.scenario;
  if (call.tier.tier === 'UNKNOWN' || !state.random.chance(voiceprint.checkedShare)) return;
  const r = state.random.next();
  const result = r < voiceprint.mismatchShare ? 'MISMATCH' : r < voiceprint.mismatchShare + voiceprint.notEnoughSpeechShare ? 'NOT_ENOUGH_SPEECH' : 'MATCH';
  const score = result === 'MATCH' ? state.random.uniform(90, 99.5) : result === 'MISMATCH' ? state.random.uniform(20, 70) : 0;
  emit('VoiceprintVerified', {
    customerId: call.customerId, result, score: Math.round(score * 10) / 10, threshold: 90, fraudRiskScore: Math.round(state.random.uniform(2, 30)), fraudRiskThreshold: 50,
    speechMs: result === 'NOT_ENOUGH_SPEECH' ? 2_400 : Math.round(state.random.uniform(5_000, 9_000)), engine: 'simulated-voiceprint', modelVersion: 'sim-1',
  }, call);
}

export function enterQueue(state: TrafficState, call: SimCall, service: ServiceType, emit: Emit): void {
  const { patience } = state.scenario;
  call.phase = 'QUEUED';
  call.service = service;
  call.visits++;
  const visitId = `${call.id}/v${call.visits}`;
  const position = (state.waiting.get(service.queueId) ?? 0) + 1;
  state.waiting.set(service.queueId, position);
  emit('QueueEntered', {
    visitId, queueId: service.queueId, tier: call.tier.tier, priority: call.tier.priority,
    requiredSkills: [{ skill: service.skill, minProficiency: service.minProficiency }], position, expectedWaitMs: null, intent: service.intent,
  }, call);
  const patienceMs = seconds(state.random.exponential(call.tier.patienceSeconds));
  const announceAt = state.now + seconds(patience.announcement.afterSeconds);
  const abandonAt = state.now + patienceMs;
  call.visit = {
    visitId, queueId: service.queueId, enteredAt: state.now, position,
    abandon: schedule(state, abandonAt, { kind: 'abandon', callId: call.id, visitId }),
    announce: abandonAt > announceAt ? schedule(state, announceAt, { kind: 'announce', callId: call.id, visitId }) : null,
  };
}

function leaveQueue(state: TrafficState, call: SimCall): void {
  const visit = call.visit;
  if (!visit) return;
  cancel(state, visit.abandon);
  cancel(state, visit.announce);
  state.waiting.set(visit.queueId, Math.max(0, (state.waiting.get(visit.queueId) ?? 1) - 1));
}

/** The position announcement plays; some callers hang up on hearing it (the spike near 60 s). */
export function announce(state: TrafficState, call: SimCall, emit: Emit): void {
  const visit = call.visit;
  if (!visit) return;
  visit.announce = null;
  emit('QueuePositionAnnounced', { visitId: visit.visitId, queueId: visit.queueId, position: Math.max(1, Math.min(visit.position, state.waiting.get(visit.queueId) ?? 1)), expectedWaitMs: null, promptId: 'prompt-position-zh' }, call);
  if (state.random.chance(state.scenario.patience.announcement.hangUpShare)) {
    cancel(state, visit.abandon);
    visit.abandon = schedule(state, state.now + seconds(state.random.uniform(1, 6)), { kind: 'abandon', callId: call.id, visitId: visit.visitId });
  }
}

export function abandon(state: TrafficState, call: SimCall, ringingAt: SimAgent | undefined, emit: Emit): void {
  const visit = call.visit;
  if (!visit) return;
  leaveQueue(state, call);
  emit('InteractionAbandoned', { stage: ringingAt ? 'RINGING' : 'QUEUE', waitedMs: state.now - visit.enteredAt, visitId: visit.visitId, queueId: visit.queueId, position: Math.min(visit.position, state.waiting.get(visit.queueId) ?? 0) + 1, ivrNodeId: null }, call);
  endCall(state, call, 'CUSTOMER', emit);
}

export function endCall(state: TrafficState, call: SimCall, endedBy: 'CUSTOMER' | 'AGENT' | 'SYSTEM', emit: Emit): void {
  for (const item of call.pending) cancel(state, item);
  call.pending = [];
  call.visit = null;
  call.phase = 'ENDED';
  emit('InteractionEnded', { endedBy, durationMs: state.now - call.startedAt, agentId: call.agentId, releaseCause: null }, call);
  state.calls.delete(call.id);
}

/** The agent picks up the offered call: talk time, transcript, maybe a conference or a transfer, then the end. */
export function answer(state: TrafficState, call: SimCall, agent: SimAgent, offerId: string, offeredAt: number, emit: Emit): void {
  const visit = call.visit;
  const service = call.service;
  if (!visit || !service) return;
  leaveQueue(state, call);
  call.visit = null;
  call.phase = 'TALKING';
  call.agentId = agent.id;
  call.answeredAt = state.now;
  call.leg++;
  agent.offer = null;
  agent.callId = call.id;
  agent.activity = 'BUSY';
  emit('InteractionAnswered', { agentId: agent.id, offerId, queueId: visit.queueId, queueWaitMs: state.now - visit.enteredAt, ringMs: state.now - offeredAt }, call);
  emit('AgentStateChanged', { agentId: agent.id, state: 'BUSY', previousState: 'AVAILABLE', reasonCode: null, interactionId: call.id }, call);
  const { shortService } = state.scenario;
  const talkSeconds = state.random.chance(shortService.share) ? state.random.uniform(1, shortService.maxSeconds) : state.random.logNormal(service.service.mean, service.service.cv);
  const talkMs = seconds(talkSeconds);
  const conversations = Object.entries(service.conversations);
  const conversation = conversations.length > 0 ? state.scenario.transcripts.conversations.find((c) => c.id === state.random.weighted(conversations, ([, w]) => w)[0]) : undefined;
  call.plan = conversation ? planSegments(conversation, call.language, talkMs, agent.id, state.random) : [];
  const leg = call.leg;
  const transfers = !call.transferred && talkSeconds > shortService.maxSeconds && service.transferTo !== undefined && state.random.chance(service.transferShare);
  const endAt = state.now + talkMs;
  const transferAt = state.now + Math.round(talkMs * 0.6);
  call.pending = call.plan
    .map((segment, index) => ({ segment, index }))
    .filter(({ segment }) => !transfers || state.now + segment.endMs < transferAt)
    .map(({ segment, index }) => schedule(state, state.now + segment.endMs, { kind: 'segment', callId: call.id, leg, index }));
  if (talkSeconds > shortService.maxSeconds && state.random.chance(service.conferenceShare)) call.pending.push(schedule(state, state.now + Math.round(talkMs * 0.4), { kind: 'conference', callId: call.id, leg }));
  call.pending.push(schedule(state, transfers ? transferAt : endAt, { kind: transfers ? 'transfer' : 'talk-end', callId: call.id, leg }));
}

export function segment(state: TrafficState, call: SimCall, index: number, emit: Emit): void {
  const planned = call.plan[index];
  const base = call.answeredAt - call.startedAt;
  emit('TranscriptSegmentRecognized', {
    segmentId: `${call.id}/l${call.leg}s${String(index + 1).padStart(3, '0')}`, speaker: planned.line.speaker, text: planned.text,
    startMs: base + planned.startMs, endMs: base + planned.endMs, confidence: Math.round(state.random.uniform(0.82, 0.98) * 100) / 100, language: call.language,
    engine: 'simulated-asr',
  }, call);
}

export function conference(call: SimCall, emit: Emit): void {
  if (!call.agentId) return;
  emit('ConferenceStarted', {
    hostAgentId: call.agentId,
    participants: [
      { role: 'CUSTOMER', agentId: null, externalNumber: null },
      { role: 'AGENT', agentId: call.agentId, externalNumber: null },
      { role: 'SPECIALIST', agentId: null, externalNumber: null },
    ],
  }, call);
}

function releaseAgent(state: TrafficState, call: SimCall, emit: Emit): void {
  const agent = call.agentId ? state.agents.get(call.agentId) : undefined;
  if (!agent) return;
  agent.activity = 'WRAP_UP';
  emit('AgentStateChanged', { agentId: agent.id, state: 'WRAP_UP', previousState: 'BUSY', reasonCode: null, interactionId: call.id }, call);
  const { wrapUpSeconds } = call.campaignId !== null && state.scenario.outbound ? state.scenario.outbound : state.scenario.agents;
  state.wrapUps.set(agent.id, { call: { ...call }, startedAt: state.now });
  schedule(state, state.now + seconds(state.random.logNormal(wrapUpSeconds.mean, wrapUpSeconds.cv)), { kind: 'wrap-end', agentId: agent.id });
}

/** A blind transfer to the queue of another service type: the caller waits again, the agent wraps up. */
export function transfer(state: TrafficState, call: SimCall, emit: Emit): void {
  const target = serviceOf(state, call.service?.transferTo ?? '');
  emit('InteractionTransferred', { fromAgentId: call.agentId ?? '', mode: 'BLIND', targetKind: 'QUEUE', targetQueueId: target.queueId, targetAgentId: null, targetExternalNumber: null, reason: target.intent }, call);
  call.transferred = true;
  releaseAgent(state, call, emit);
  call.agentId = null;
  call.pending = [];
  enterQueue(state, call, target, emit);
}

export function talkEnd(state: TrafficState, call: SimCall, emit: Emit): void {
  call.pending = [];
  endCall(state, call, state.random.chance(0.7) ? 'CUSTOMER' : 'AGENT', emit);
  releaseAgent(state, call, emit);
}

export function wrapEnd(state: TrafficState, agent: SimAgent, emit: Emit): void {
  const wrap = state.wrapUps.get(agent.id);
  state.wrapUps.delete(agent.id);
  if (wrap) {
    const service = wrap.call.service;
    const { outbound } = state.scenario;
    // A campaign call's outcome is what the campaign's figures count (right-party contacts, promises to pay).
    const outcome = wrap.call.campaignId !== null && outbound ? campaignOutcome(state, outbound) : { disposition: service ? service.intent.toUpperCase() : 'OTHER', ticketFields: [], followUpRequired: false };
    emit('WrapUpCompleted', {
      agentId: agent.id, disposition: outcome.disposition, resolved: !wrap.call.transferred, intent: service?.intent ?? null, ticketId: null,
      ticketFields: outcome.ticketFields, prefilledFieldsAccepted: 0, wrapUpMs: state.now - wrap.startedAt, followUpRequired: outcome.followUpRequired,
    }, wrap.call);
  }
  becomeReady(state, agent, emit);
}

/** Stopping the simulation: every call still in progress ends (SYSTEM). */
export function endAllCalls(state: TrafficState, emit: Emit): void {
  for (const call of [...state.calls.values()].sort((a, b) => a.startedAt - b.startedAt)) {
    if (call.visit) leaveQueue(state, call);
    endCall(state, call, 'SYSTEM', emit);
  }
}
