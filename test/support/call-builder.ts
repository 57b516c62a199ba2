// Builds the events of one call for specs, the risk/QA corpus and benchmarks: a cursor over
// call time (ms from the start) places transcript segments, voiceprint results, emotions and
// operation requests the way speech, biometrics and core-banking adapters would emit them.
import { createHash } from 'node:crypto';
import type {
  AnyLedgerEvent, AuthMethod, LedgerEventMap, LedgerEventType, SensitiveOperationKind, Speaker,
} from '../../schemas/generated/events.ts';

export interface CallOptions {
  readonly interactionId: string;
  readonly dataSubject?: string;
  /** Epoch ms of the call's start. */
  readonly startedAt?: number;
  readonly language?: string;
  readonly agentId?: string;
}

/** A UUID-shaped id derived from a name (deterministic fixtures). */
export function fixtureUuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class CallBuilder {
  readonly interactionId: string;
  readonly events: AnyLedgerEvent[] = [];
  readonly language: string;
  readonly agentId: string;
  private readonly subject: string;
  private readonly startedAt: number;
  /** Call time of the next event, ms from the start. */
  cursor = 0;
  private segments = 0;

  constructor(options: CallOptions) {
    this.interactionId = options.interactionId;
    this.subject = options.dataSubject ?? `customer:${options.interactionId}`;
    this.startedAt = options.startedAt ?? 1_790_000_000_000;
    this.language = options.language ?? 'zh-CN';
    this.agentId = options.agentId ?? 'agent-007';
  }

  event<T extends LedgerEventType>(type: T, data: LedgerEventMap[T]): AnyLedgerEvent {
    const n = this.events.length;
    const occurredAt = this.startedAt + this.cursor;
    const event = {
      type,
      metadata: {
        eventId: fixtureUuid(`${this.interactionId}/${n}`), eventType: type, occurredAt, recordedAt: occurredAt, sourceSystem: 'simulator',
        interactionId: this.interactionId, correlationId: null, causationId: null, producer: { component: 'test/call-builder', version: '1' }, dataSubject: this.subject,
      },
      data,
    } as AnyLedgerEvent;
    this.events.push(event);
    return event;
  }

  /** How long a segment takes to say: ~4 Chinese characters or ~2.5 English words a second. */
  static durationOf(text: string): number {
    const cjk = (text.match(/[\u4e00-\u9fff]/g) ?? []).length;
    const words = (text.replace(/[\u4e00-\u9fff]/g, ' ').match(/[A-Za-z0-9']+/g) ?? []).length;
    return Math.max(600, cjk * 250 + words * 400);
  }

  say(speaker: Speaker, text: string, options: { durationMs?: number; overlapMs?: number; gapMs?: number } = {}): AnyLedgerEvent {
    if (options.overlapMs) this.cursor = Math.max(0, this.cursor - options.overlapMs - 700);
    const startMs = this.cursor;
    const endMs = startMs + (options.durationMs ?? CallBuilder.durationOf(text));
    this.cursor = endMs;
    this.segments += 1;
    const event = this.event('TranscriptSegmentRecognized', {
      segmentId: `${this.interactionId}-s${this.segments}`, speaker, text, startMs, endMs, confidence: 0.93, language: this.language, engine: 'asr-test',
    });
    this.cursor += options.gapMs ?? 700;
    return event;
  }

  customer(text: string, options?: { durationMs?: number; overlapMs?: number; gapMs?: number }): AnyLedgerEvent { return this.say('CUSTOMER', text, options); }
  agent(text: string, options?: { durationMs?: number; overlapMs?: number; gapMs?: number }): AnyLedgerEvent { return this.say('AGENT', text, options); }

  pause(ms: number): this {
    this.cursor += ms;
    return this;
  }

  answered(): AnyLedgerEvent {
    return this.event('InteractionAnswered', { agentId: this.agentId, offerId: null, queueId: 'q-general', queueWaitMs: 12_000, ringMs: 3_000 });
  }

  ivr(intent: string): AnyLedgerEvent {
    return this.event('IvrInputReceived', {
      flowId: 'main', flowVersion: 3, nodeId: 'intent', mode: 'SPEECH', outcome: 'MATCHED', selectedOption: null, digits: null, utterance: null, intent, confidence: 0.9, attempt: 1,
    });
  }

  voiceprint(result: 'MATCH' | 'MISMATCH' | 'INCONCLUSIVE' | 'NOT_ENOUGH_SPEECH' | 'NOT_ENROLLED', options: { score?: number; fraudRisk?: number | null } = {}): AnyLedgerEvent {
    const score = options.score ?? (result === 'MATCH' ? 96 : result === 'MISMATCH' ? 42 : 80);
    return this.event('VoiceprintVerified', {
      customerId: this.subject, result, score, threshold: 90, fraudRiskScore: options.fraudRisk ?? null, fraudRiskThreshold: 50, speechMs: 8_000, engine: 'voiceprint-test', modelVersion: '2026.1',
    });
  }

  emotion(emotion: 'ANGRY' | 'AGITATED' | 'FRUSTRATED' | 'NEUTRAL' | 'HAPPY' | 'ANXIOUS', intensity: number, speaker: Speaker = 'CUSTOMER'): AnyLedgerEvent {
    return this.event('EmotionDetected', {
      speaker, emotion, intensity, windowStartMs: Math.max(0, this.cursor - 5_000), windowEndMs: this.cursor, segmentId: this.segments > 0 ? `${this.interactionId}-s${this.segments}` : null, modelVersion: 'emo-test',
    });
  }

  operation(operationId: string, kind: SensitiveOperationKind, amountYuan?: number): AnyLedgerEvent {
    return this.event('SensitiveOperationRequested', {
      operationId, kind, amount: amountYuan === undefined ? null : { amountMinor: Math.round(amountYuan * 100), currency: 'CNY' }, customerId: this.subject, agentId: this.agentId,
    });
  }

  stepUp(challengeId: string, method: AuthMethod, result: 'PASSED' | 'FAILED' | 'ABANDONED' | 'TIMED_OUT'): AnyLedgerEvent {
    return this.event('StepUpAuthenticationCompleted', { challengeId, method, result, attempts: 1, durationMs: 40_000 });
  }

  end(): AnyLedgerEvent {
    return this.event('InteractionEnded', { endedBy: 'CUSTOMER', durationMs: this.cursor, agentId: this.agentId, releaseCause: 'normal' });
  }
}

/** One step of a corpus conversation (test/corpus/conversations/*.json). */
export type ScriptStep =
  | { readonly agent: string; readonly overlapMs?: number }
  | { readonly customer: string; readonly overlapMs?: number }
  | { readonly pause: number }
  | { readonly answered: true }
  | { readonly ivr: string }
  | { readonly voiceprint: 'MATCH' | 'MISMATCH' | 'INCONCLUSIVE' | 'NOT_ENOUGH_SPEECH' | 'NOT_ENROLLED'; readonly fraudRisk?: number }
  | { readonly emotion: 'ANGRY' | 'AGITATED' | 'FRUSTRATED' | 'NEUTRAL' | 'HAPPY' | 'ANXIOUS'; readonly intensity: number }
  | { readonly operation: SensitiveOperationKind; readonly id: string; readonly amountYuan?: number }
  | { readonly stepUp: string; readonly method: AuthMethod; readonly result: 'PASSED' | 'FAILED' | 'ABANDONED' | 'TIMED_OUT' };

/** The events of a scripted call, ending with InteractionEnded. */
export function eventsOfScript(options: CallOptions, steps: readonly ScriptStep[]): AnyLedgerEvent[] {
  const call = new CallBuilder(options);
  for (const step of steps) {
    if ('agent' in step) call.agent(step.agent, { overlapMs: step.overlapMs });
    else if ('customer' in step) call.customer(step.customer, { overlapMs: step.overlapMs });
    else if ('pause' in step) call.pause(step.pause);
    else if ('answered' in step) call.answered();
    else if ('ivr' in step) call.ivr(step.ivr);
    else if ('voiceprint' in step) call.voiceprint(step.voiceprint, { fraudRisk: step.fraudRisk ?? null });
    else if ('emotion' in step) call.emotion(step.emotion, step.intensity);
    else if ('operation' in step) call.operation(step.id, step.operation, step.amountYuan);
    else call.stepUp(step.stepUp, step.method, step.result);
  }
  call.end();
  return call.events;
}
