// Builders of ledger events for projection specs, fixtures and benchmarks: a call script and an
// agent script that emit complete, schema-valid events with deterministic ids.
import { createHash } from 'node:crypto';
import type { AnyLedgerEvent, CustomerTier, LedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';

export function deterministicUuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function eventOf<T extends LedgerEventType>(type: T, data: LedgerEventMap[T], meta: { eventId: string; at: number; source: string; interactionId: string | null }): LedgerEvent<T> {
  return {
    type,
    metadata: {
      eventId: meta.eventId, eventType: type, occurredAt: meta.at, recordedAt: meta.at, sourceSystem: meta.source,
      interactionId: meta.interactionId, correlationId: null, causationId: null, producer: { component: 'projections/testing', version: '1' }, dataSubject: null,
    },
    data,
  } as LedgerEvent<T>;
}

export class CallScript {
  readonly interactionId: string;
  readonly source: string;
  readonly events: AnyLedgerEvent[] = [];
  #seq = 0;
  #visit = 0;
  #offer = 0;
  #visitId = '';
  #queueId = '';
  #agentId = '';

  constructor(interactionId: string, source = 'new') {
    this.interactionId = interactionId;
    this.source = source;
  }

  #emit<T extends LedgerEventType>(type: T, at: number, data: LedgerEventMap[T]): LedgerEvent<T> {
    this.#seq += 1;
    const event = eventOf(type, data, { eventId: deterministicUuid(`${this.interactionId}#${this.#seq}`), at, source: this.source, interactionId: this.interactionId });
    this.events.push(event as AnyLedgerEvent);
    return event;
  }

  started(at: number): this {
    this.#emit('InteractionStarted', at, { interactionId: this.interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: null, dialledNumber: '95588', site: 'shanghai', previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null });
    return this;
  }

  identified(at: number, tier: CustomerTier): this {
    this.#emit('CustomerIdentified', at, { customerId: `C-${this.interactionId}`, method: 'CALLER_NUMBER', tier, relationshipAgentId: null, customerName: null, preferredLanguage: null });
    return this;
  }

  ivrExited(at: number, reason: LedgerEventMap['IvrExited']['reason'], durationMs = 30_000, options: { lastNodeId?: string; intent?: string } = {}): this {
    this.#emit('IvrExited', at, { flowId: 'main', flowVersion: 1, lastNodeId: options.lastNodeId ?? 'menu', reason, durationMs, nodesVisited: 3, intent: options.intent ?? null, errorCode: reason === 'ERROR' ? 'MAX_RETRIES' : null });
    return this;
  }

  ivrNode(at: number, nodeId: string, options: { flowId?: string; label?: string; depth?: number; previousNodeId?: string } = {}): this {
    this.#emit('IvrNodeEntered', at, {
      flowId: options.flowId ?? 'main', flowVersion: 1, nodeId, nodeType: 'MENU', nodeLabel: options.label ?? null, depth: options.depth ?? 0, previousNodeId: options.previousNodeId ?? null,
    });
    return this;
  }

  ivrInput(at: number, nodeId: string, outcome: LedgerEventMap['IvrInputReceived']['outcome'], options: { selectedOption?: string; intent?: string; attempt?: number } = {}): this {
    this.#emit('IvrInputReceived', at, {
      flowId: 'main', flowVersion: 1, nodeId, mode: 'DTMF', outcome, selectedOption: options.selectedOption ?? null, digits: null, utterance: null,
      intent: options.intent ?? null, confidence: null, attempt: options.attempt ?? 1,
    });
    return this;
  }

  queued(at: number, queueId: string, tier: CustomerTier = 'STANDARD', options: { priority?: number; skills?: { skill: string; minProficiency: number }[]; position?: number; intent?: string } = {}): this {
    this.#visit += 1;
    this.#visitId = `${this.interactionId}-v${this.#visit}`;
    this.#queueId = queueId;
    this.#emit('QueueEntered', at, { visitId: this.#visitId, queueId, tier, priority: options.priority ?? 0, requiredSkills: options.skills ?? [], position: options.position ?? 1, expectedWaitMs: null, intent: options.intent ?? null });
    return this;
  }

  offered(at: number, agentId: string): this {
    this.#offer += 1;
    this.#agentId = agentId;
    this.#emit('InteractionOffered', at, { offerId: `${this.interactionId}-o${this.#offer}`, agentId, queueId: this.#queueId, ringTimeoutMs: 15_000, attempt: 1 });
    return this;
  }

  ringNoAnswer(at: number): this {
    this.#emit('OfferTimedOut', at, { offerId: `${this.interactionId}-o${this.#offer}`, agentId: this.#agentId, ringMs: 15_000 });
    return this;
  }

  answered(at: number, agentId: string): this {
    this.#agentId = agentId;
    this.#emit('InteractionAnswered', at, { agentId, offerId: `${this.interactionId}-o${this.#offer}`, queueId: this.#queueId || null, queueWaitMs: null, ringMs: null });
    return this;
  }

  held(at: number): this {
    this.#emit('InteractionHeld', at, { agentId: this.#agentId, reasonCode: null });
    return this;
  }

  resumed(at: number, heldMs: number): this {
    this.#emit('InteractionResumed', at, { agentId: this.#agentId, heldMs });
    return this;
  }

  transferred(at: number, target: { queueId: string } | { agentId: string }): this {
    const toQueue = 'queueId' in target;
    this.#emit('InteractionTransferred', at, {
      fromAgentId: this.#agentId, mode: 'BLIND', targetKind: toQueue ? 'QUEUE' : 'AGENT', targetQueueId: toQueue ? target.queueId : null,
      targetAgentId: toQueue ? null : target.agentId, targetExternalNumber: null, reason: null,
    });
    return this;
  }

  abandoned(at: number, stage: 'IVR' | 'QUEUE' | 'RINGING', waitedMs = 0): this {
    this.#emit('InteractionAbandoned', at, { stage, waitedMs, visitId: stage === 'IVR' ? null : this.#visitId, queueId: stage === 'IVR' ? null : this.#queueId, position: null, ivrNodeId: null });
    return this;
  }

  callback(at: number): this {
    this.#emit('CallbackRequested', at, { visitId: this.#visitId, queueId: this.#queueId, callbackNumber: null, requestedFor: null, positionKept: 1 });
    return this;
  }

  ended(at: number, durationMs = 0): this {
    this.#emit('InteractionEnded', at, { endedBy: 'CUSTOMER', durationMs, agentId: this.#agentId || null, releaseCause: null });
    return this;
  }

  wrapUp(at: number, agentId: string, wrapUpMs: number, intent: string | null = null): this {
    this.#emit('WrapUpCompleted', at, { agentId, disposition: 'DONE', resolved: true, intent, ticketId: null, ticketFields: [], prefilledFieldsAccepted: 0, wrapUpMs, followUpRequired: false });
    return this;
  }

  ticketFields(at: number, intent: string | null, templateId = 'generic'): this {
    this.#emit('TicketFieldsExtracted', at, { intent, templateId, fields: [], modelVersion: 'rules-1' });
    return this;
  }

  summarised(at: number, intent: string | null, questions: { category: string; count: number }[] = []): this {
    this.#emit('SummaryGenerated', at, { summary: '[summary]', intent, language: 'zh-CN', modelVersion: 'rules-1', segmentsUsed: 0, questions, questionTaxonomy: questions.length > 0 ? 'questions-test' : null });
    return this;
  }
}

export class AgentScript {
  readonly agentId: string;
  readonly source: string;
  readonly events: AnyLedgerEvent[] = [];
  #seq = 0;
  #state: LedgerEventMap['AgentStateChanged']['state'] | null = null;

  constructor(agentId: string, source = 'new') {
    this.agentId = agentId;
    this.source = source;
  }

  #emit<T extends LedgerEventType>(type: T, at: number, data: LedgerEventMap[T]): this {
    this.#seq += 1;
    this.events.push(eventOf(type, data, { eventId: deterministicUuid(`${this.agentId}#${this.#seq}`), at, source: this.source, interactionId: null }) as AnyLedgerEvent);
    return this;
  }

  loggedIn(at: number, skills: { skill: string; proficiency: number }[] = []): this {
    return this.#emit('AgentLoggedIn', at, { agentId: this.agentId, skills, teams: [], site: 'shanghai', cohort: null, station: null, supervisorId: null });
  }

  state(at: number, state: LedgerEventMap['AgentStateChanged']['state'], reasonCode: string | null = null): this {
    const previousState = this.#state;
    this.#state = state;
    return this.#emit('AgentStateChanged', at, { agentId: this.agentId, state, previousState, reasonCode, interactionId: null });
  }

  skills(at: number, skills: { skill: string; proficiency: number }[]): this {
    return this.#emit('AgentSkillsChanged', at, { agentId: this.agentId, skills, changedBy: 'supervisor', reason: null });
  }

  loggedOut(at: number, sessionMs = 0): this {
    return this.#emit('AgentLoggedOut', at, { agentId: this.agentId, reason: 'END_OF_SHIFT', sessionMs });
  }
}
