// The routing policy document (RoutingPolicyPublished.document) and the gray-release cohort
// document (CohortPolicyPublished.document): their JSON Schemas, validation with ajv (an error
// names the field as a dotted path and the rule it broke) and the normalised form the decider
// uses. Pure: no clock, no I/O. docs/routing.md describes the format.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { fieldErrorOf } from '../../schemas/validation/ajv-field-errors.ts';

export type StrategyName = 'longest-idle' | 'least-occupied' | 'fewest-calls' | 'skill-weighted' | 'round-robin';
export const strategyNames: readonly StrategyName[] = ['longest-idle', 'least-occupied', 'fewest-calls', 'skill-weighted', 'round-robin'];
export type Tier = 'VIP' | 'PRIORITY' | 'STANDARD' | 'UNKNOWN';
export type NotReadyState = 'BREAK' | 'TRAINING' | 'OFFLINE';

export interface SkillRequirement {
  readonly skill: string;
  readonly minProficiency: number;
}

export interface OverflowStep {
  /** Seconds since the call entered its first queue of this visit. */
  readonly afterSeconds: number;
  /** Move the call to this queue (keeps its waiting time and aging)... */
  readonly queueId?: string;
  /** ...or widen the skill requirement of the call in place (e.g. accept lower proficiency). */
  readonly widenSkills?: readonly SkillRequirement[];
}

export interface WhenUnavailable {
  /** overflow: to `queueId`; reject: the call is not queued (the IVR plays a message or offers a callback). */
  readonly action: 'overflow' | 'reject';
  readonly queueId?: string;
}

export interface WeeklyHours {
  /** ISO weekdays 1 (Monday) .. 7 (Sunday). */
  readonly days: readonly number[];
  /** Local time HH:MM, open inclusive, close exclusive. */
  readonly open: string;
  readonly close: string;
}

export interface BusinessHours {
  /** Fixed offset from UTC in minutes (e.g. 480 for China Standard Time): no time-zone database, so replays never change with tzdata. */
  readonly utcOffsetMinutes: number;
  readonly weekly: readonly WeeklyHours[];
  /** Local dates YYYY-MM-DD on which the queue is closed all day (bank holidays). */
  readonly closedDates?: readonly string[];
  readonly whenClosed: WhenUnavailable;
}

export interface QueuePolicy {
  readonly id: string;
  readonly requiredSkills: readonly SkillRequirement[];
  readonly strategy?: StrategyName;
  /** Added to every call's priority in this queue (cross-queue ordering for agents serving several queues). */
  readonly priority?: number;
  /** Priority points gained per second waited (FreeSWITCH: 1 per second); overrides the policy default. */
  readonly agingPointsPerSecond?: number;
  readonly maxLength?: number;
  readonly whenFull?: WhenUnavailable;
  readonly overflow?: readonly OverflowStep[];
  readonly businessHours?: BusinessHours;
}

export interface RoutingPolicyDocument {
  /** Routing domains (sites) it applies to; default: every site the sequencer serves. */
  readonly sites?: readonly string[];
  /** current: replaces the running policy; candidate: used only by the gray-release cohort. */
  readonly stage?: 'current' | 'candidate';
  readonly defaultStrategy?: StrategyName;
  /** Priority added per customer tier (VIP, PRIORITY, STANDARD, UNKNOWN). */
  readonly tiers?: Partial<Readonly<Record<Tier, { readonly priority: number }>>>;
  readonly agingPointsPerSecond?: number;
  readonly ringTimeoutSeconds?: number;
  readonly ringNoAnswer?: {
    /** The agent who let an offer ring out is set to this state (null: stays available). */
    readonly agentState: NotReadyState | null;
    readonly reasonCode?: string;
  };
  readonly vip?: {
    /** A VIP whose relationship agent is busy waits this long for them, then goes to `queueId`. */
    readonly relationshipAgentWaitSeconds: number;
    /** The VIP queue (dedicated agents); VIP calls without a relationship agent go straight there. */
    readonly queueId?: string;
  };
  readonly queues: readonly QueuePolicy[];
}

export interface CohortPolicyDocument {
  readonly sites?: readonly string[];
  /** The candidate routing policy version (published with stage "candidate"). */
  readonly candidate: { readonly policyId: string; readonly version: number };
  /** Share of agents (0..100, by a stable hash of the agent id) that run the candidate. */
  readonly percentage: number;
  /** Agents always in the candidate cohort. */
  readonly include?: readonly string[];
  /** Agents never in the candidate cohort. */
  readonly exclude?: readonly string[];
}

export interface PolicyFieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export class PolicyValidationError extends Error {
  override readonly name = 'PolicyValidationError';
  readonly retriable = false;
  readonly errors: readonly PolicyFieldError[];

  constructor(what: string, errors: readonly PolicyFieldError[]) {
    super(`${what} refused: ${errors.map((e) => `${e.field}: ${e.message} [${e.rule}]`).join('; ')}`);
    this.errors = errors;
  }
}

const skillRequirement = {
  type: 'object',
  required: ['skill', 'minProficiency'],
  additionalProperties: false,
  properties: { skill: { type: 'string', minLength: 1 }, minProficiency: { type: 'integer', minimum: 1, maximum: 10 } },
} as const;
const skillList = { type: 'array', items: skillRequirement } as const;
const strategy = { enum: strategyNames } as const;
const whenUnavailable = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: { action: { enum: ['overflow', 'reject'] }, queueId: { type: 'string', minLength: 1 } },
} as const;
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' } as const;

export const routingPolicySchema = {
  $id: 'call-ledger/routing-policy',
  type: 'object',
  required: ['queues'],
  additionalProperties: false,
  properties: {
    sites: { type: 'array', items: { type: 'string', minLength: 1 } },
    stage: { enum: ['current', 'candidate'] },
    defaultStrategy: strategy,
    tiers: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['VIP', 'PRIORITY', 'STANDARD', 'UNKNOWN'].map((tier) => [tier, {
        type: 'object', required: ['priority'], additionalProperties: false, properties: { priority: { type: 'number', minimum: -1000000, maximum: 1000000 } },
      }])),
    },
    agingPointsPerSecond: { type: 'number', minimum: 0, maximum: 1000 },
    ringTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
    ringNoAnswer: {
      type: 'object',
      required: ['agentState'],
      additionalProperties: false,
      properties: { agentState: { enum: ['BREAK', 'TRAINING', 'OFFLINE', null] }, reasonCode: { type: 'string', minLength: 1 } },
    },
    vip: {
      type: 'object',
      required: ['relationshipAgentWaitSeconds'],
      additionalProperties: false,
      properties: { relationshipAgentWaitSeconds: { type: 'number', minimum: 0, maximum: 3600 }, queueId: { type: 'string', minLength: 1 } },
    },
    queues: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'requiredSkills'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 200 },
          requiredSkills: skillList,
          strategy,
          priority: { type: 'number', minimum: -1000000, maximum: 1000000 },
          agingPointsPerSecond: { type: 'number', minimum: 0, maximum: 1000 },
          maxLength: { type: 'integer', minimum: 0 },
          whenFull: whenUnavailable,
          overflow: {
            type: 'array',
            items: {
              type: 'object',
              required: ['afterSeconds'],
              additionalProperties: false,
              properties: { afterSeconds: { type: 'number', minimum: 0 }, queueId: { type: 'string', minLength: 1 }, widenSkills: skillList },
            },
          },
          businessHours: {
            type: 'object',
            required: ['utcOffsetMinutes', 'weekly', 'whenClosed'],
            additionalProperties: false,
            properties: {
              utcOffsetMinutes: { type: 'integer', minimum: -840, maximum: 840 },
              weekly: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['days', 'open', 'close'],
                  additionalProperties: false,
                  properties: { days: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1, maximum: 7 } }, open: hhmm, close: hhmm },
                },
              },
              closedDates: { type: 'array', items: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
              whenClosed: whenUnavailable,
            },
          },
        },
      },
    },
  },
} as const;

export const cohortPolicySchema = {
  $id: 'call-ledger/cohort-policy',
  type: 'object',
  required: ['candidate', 'percentage'],
  additionalProperties: false,
  properties: {
    sites: { type: 'array', items: { type: 'string', minLength: 1 } },
    candidate: {
      type: 'object',
      required: ['policyId', 'version'],
      additionalProperties: false,
      properties: { policyId: { type: 'string', minLength: 1 }, version: { type: 'integer', minimum: 1 } },
    },
    percentage: { type: 'number', minimum: 0, maximum: 100 },
    include: { type: 'array', items: { type: 'string', minLength: 1 } },
    exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateRouting: ValidateFunction = ajv.compile(routingPolicySchema);
const validateCohort: ValidateFunction = ajv.compile(cohortPolicySchema);

function toFieldError(error: ErrorObject): PolicyFieldError {
  return fieldErrorOf(error, { root: '(document)', unknownField: 'is not a known field' });
}

function parse(what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PolicyValidationError(what, [{ field: '(document)', rule: 'json', message: `is not JSON: ${(error as Error).message}` }]);
  }
}

/** Semantic rules JSON Schema cannot say: unique queue ids, references to known queues, one target per overflow step. */
function semanticErrors(document: RoutingPolicyDocument): PolicyFieldError[] {
  const errors: PolicyFieldError[] = [];
  const ids = new Set<string>();
  document.queues.forEach((queue, index) => {
    if (ids.has(queue.id)) errors.push({ field: `queues.${index}.id`, rule: 'unique-id', message: `duplicates the queue id '${queue.id}'` });
    ids.add(queue.id);
  });
  const known = (field: string, queueId: string | undefined): void => {
    if (queueId !== undefined && !ids.has(queueId)) errors.push({ field, rule: 'known-queue', message: `names the queue '${queueId}', which the policy does not define` });
  };
  const target = (field: string, when: WhenUnavailable | undefined): void => {
    if (!when) return;
    if (when.action === 'overflow' && when.queueId === undefined) errors.push({ field: `${field}.queueId`, rule: 'required', message: 'is required when action is overflow' });
    known(`${field}.queueId`, when.queueId);
  };
  known('vip.queueId', document.vip?.queueId);
  document.queues.forEach((queue, index) => {
    target(`queues.${index}.whenFull`, queue.whenFull);
    target(`queues.${index}.businessHours.whenClosed`, queue.businessHours?.whenClosed);
    let previous = -1;
    (queue.overflow ?? []).forEach((step, stepIndex) => {
      const field = `queues.${index}.overflow.${stepIndex}`;
      if ((step.queueId === undefined) === (step.widenSkills === undefined)) {
        errors.push({ field, rule: 'one-target', message: 'needs exactly one of queueId and widenSkills' });
      }
      if (step.queueId === queue.id) errors.push({ field: `${field}.queueId`, rule: 'other-queue', message: 'must name another queue' });
      known(`${field}.queueId`, step.queueId);
      if (step.afterSeconds <= previous) errors.push({ field: `${field}.afterSeconds`, rule: 'increasing', message: 'must be greater than the previous step' });
      previous = step.afterSeconds;
    });
    (queue.businessHours?.weekly ?? []).forEach((hours, hoursIndex) => {
      if (hours.close <= hours.open) errors.push({ field: `queues.${index}.businessHours.weekly.${hoursIndex}.close`, rule: 'after-open', message: 'must be after open' });
    });
  });
  return errors;
}

/** Parses and validates a routing policy document; throws PolicyValidationError naming field and rule. */
export function parseRoutingPolicy(policyId: string, version: number, text: string): RoutingPolicyDocument {
  const what = `routing policy ${policyId} v${version}`;
  const document = parse(what, text);
  if (!validateRouting(document)) throw new PolicyValidationError(what, (validateRouting.errors ?? []).map(toFieldError));
  const errors = semanticErrors(document as RoutingPolicyDocument);
  if (errors.length > 0) throw new PolicyValidationError(what, errors);
  return document as RoutingPolicyDocument;
}

export function parseCohortPolicy(policyId: string, version: number, text: string): CohortPolicyDocument {
  const what = `cohort policy ${policyId} v${version}`;
  const document = parse(what, text);
  if (!validateCohort(document)) throw new PolicyValidationError(what, (validateCohort.errors ?? []).map(toFieldError));
  return document as CohortPolicyDocument;
}

/** FNV-1a (32 bit) of the agent id: a stable bucket 0..9999 that never changes between runs or machines. */
export function cohortBucket(agentId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i++) {
    hash ^= agentId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 10000;
}

export function inCandidateCohort(cohort: CohortPolicyDocument, agentId: string): boolean {
  if (cohort.exclude?.includes(agentId)) return false;
  if (cohort.include?.includes(agentId)) return true;
  return cohortBucket(agentId) < Math.round(cohort.percentage * 100);
}

const dayMs = 86_400_000;

/** Whether a queue is open at event time `now` (epoch ms). Queues without business hours are always open. */
export function isOpen(hours: BusinessHours | undefined, now: number): boolean {
  if (!hours) return true;
  const local = now + hours.utcOffsetMinutes * 60_000;
  const date = new Date(local).toISOString().slice(0, 10);
  if (hours.closedDates?.includes(date)) return false;
  const isoDay = ((Math.floor(local / dayMs) + 3) % 7) + 1; // 1970-01-01 was a Thursday (ISO day 4)
  const minute = Math.floor((((local % dayMs) + dayMs) % dayMs) / 60_000);
  const hhmmOf = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return hours.weekly.some((w) => w.days.includes(isoDay) && hhmmOf >= w.open && hhmmOf < w.close);
}
