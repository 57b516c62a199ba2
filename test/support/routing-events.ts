// Builders of routing input events for specs, the property test and the end-to-end runs. Time is
// given in seconds after `t0` (Monday 2026-01-05 10:00 in China, UTC+8), ids are deterministic.
import type { LedgerEvent, LedgerEventMap, QueueEnteredData } from '../../schemas/generated/events.ts';
import type { RoutingInput } from '../../streams/routing/routing.decider.ts';
import type { RoutingPolicyDocument, Tier, CohortPolicyDocument } from '../../streams/routing/routing-policy.ts';

export const t0 = Date.UTC(2026, 0, 5, 2, 0, 0);
export const at = (seconds: number): number => t0 + Math.round(seconds * 1000);

let counter = 0;
/** A deterministic UUID-shaped id from a counter (inputs only; decisions get UUIDv5 ids in the runner). */
export function nextEventId(): string {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function event<T extends keyof LedgerEventMap>(type: T, seconds: number, data: LedgerEventMap[T], interactionId: string | null = null): LedgerEvent<T> {
  return {
    type,
    metadata: {
      eventId: nextEventId(),
      eventType: type,
      occurredAt: at(seconds),
      recordedAt: at(seconds),
      sourceSystem: 'simulator',
      interactionId,
      correlationId: null,
      causationId: null,
      producer: { component: 'test', version: '1' },
      dataSubject: null,
    },
    data,
  };
}

type Skills = Readonly<Record<string, number>>;
const skillList = (skills: Skills) => Object.entries(skills).map(([skill, proficiency]) => ({ skill, proficiency }));

export const routing = {
  policy(document: RoutingPolicyDocument, options: { version?: number; policyId?: string; seconds?: number; effectiveFromSeconds?: number } = {}): RoutingInput {
    const seconds = options.seconds ?? 0;
    const text = JSON.stringify(document);
    return event('RoutingPolicyPublished', seconds, {
      policyId: options.policyId ?? 'routing', version: options.version ?? 1, document: text, documentSha256: 'sha', publishedBy: 'ops-1',
      effectiveFrom: at(options.effectiveFromSeconds ?? seconds), changeNote: null,
    });
  },
  rawPolicy(text: string, options: { version?: number; policyId?: string; seconds?: number } = {}): RoutingInput {
    return event('RoutingPolicyPublished', options.seconds ?? 0, {
      policyId: options.policyId ?? 'routing', version: options.version ?? 1, document: text, documentSha256: 'sha', publishedBy: 'ops-1', effectiveFrom: at(options.seconds ?? 0), changeNote: null,
    });
  },
  cohort(document: CohortPolicyDocument, options: { version?: number; seconds?: number } = {}): RoutingInput {
    return event('CohortPolicyPublished', options.seconds ?? 0, {
      policyId: 'gray', version: options.version ?? 1, document: JSON.stringify(document), documentSha256: 'sha', publishedBy: 'ops-1', effectiveFrom: at(options.seconds ?? 0), changeNote: null,
    });
  },
  login(agentId: string, skills: Skills, seconds: number): RoutingInput {
    return event('AgentLoggedIn', seconds, { agentId, skills: skillList(skills), teams: [], site: 'sh', cohort: null, station: null, supervisorId: null });
  },
  /** Logged in and AVAILABLE. */
  ready(agentId: string, skills: Skills, seconds: number): RoutingInput[] {
    return [routing.login(agentId, skills, seconds), routing.state(agentId, 'AVAILABLE', seconds)];
  },
  state(agentId: string, state: 'AVAILABLE' | 'BUSY' | 'WRAP_UP' | 'BREAK' | 'TRAINING' | 'OFFLINE', seconds: number, interactionId: string | null = null): RoutingInput {
    return event('AgentStateChanged', seconds, { agentId, state, previousState: null, reasonCode: null, interactionId });
  },
  logout(agentId: string, seconds: number): RoutingInput {
    return event('AgentLoggedOut', seconds, { agentId, reason: 'END_OF_SHIFT', sessionMs: 0 });
  },
  skills(agentId: string, skills: Skills, seconds: number): RoutingInput {
    return event('AgentSkillsChanged', seconds, { agentId, skills: skillList(skills), changedBy: 'sup-1', reason: null });
  },
  identified(interactionId: string, tier: Tier, relationshipAgentId: string | null, seconds: number): RoutingInput {
    return event('CustomerIdentified', seconds, { customerId: `cust-${interactionId}`, method: 'CALLER_NUMBER', tier, relationshipAgentId, customerName: null, preferredLanguage: null }, interactionId);
  },
  queued(interactionId: string, queueId: string, seconds: number, options: { tier?: Tier; priority?: number; skills?: Skills; visitId?: string } = {}): RoutingInput {
    const data: QueueEnteredData = {
      visitId: options.visitId ?? `${interactionId}-v1`, queueId, tier: options.tier ?? 'STANDARD', priority: options.priority ?? 0,
      requiredSkills: Object.entries(options.skills ?? {}).map(([skill, minProficiency]) => ({ skill, minProficiency })), position: 1, expectedWaitMs: null, intent: null,
    };
    return event('QueueEntered', seconds, data, interactionId);
  },
  answered(interactionId: string, agentId: string, offerId: string | null, seconds: number, queueId: string | null = 'q'): RoutingInput {
    return event('InteractionAnswered', seconds, { agentId, offerId, queueId, queueWaitMs: null, ringMs: null }, interactionId);
  },
  declined(interactionId: string, agentId: string, offerId: string, seconds: number): RoutingInput {
    return event('OfferDeclined', seconds, { offerId, agentId, reasonCode: null }, interactionId);
  },
  timedOut(interactionId: string, agentId: string, offerId: string, seconds: number): RoutingInput {
    return event('OfferTimedOut', seconds, { offerId, agentId, ringMs: 0 }, interactionId);
  },
  abandoned(interactionId: string, seconds: number): RoutingInput {
    return event('InteractionAbandoned', seconds, { stage: 'QUEUE', waitedMs: 0, visitId: null, queueId: null, position: null, ivrNodeId: null }, interactionId);
  },
  ended(interactionId: string, seconds: number): RoutingInput {
    return event('InteractionEnded', seconds, { endedBy: 'CUSTOMER', durationMs: 0, agentId: null, releaseCause: null }, interactionId);
  },
  tick(seconds: number, sequence = 0): RoutingInput {
    return event('RoutingClockTicked', seconds, { site: 'sh', now: at(seconds), sequence });
  },
};

/** The offer id the router gives the n-th offer of a visit. */
export const offerId = (interactionId: string, attempt = 1, visit = `${interactionId}-v1`): string => `${visit}/offer-${attempt}`;
