// The traffic simulator's scenario file: what a day at the contact centre looks like (arrival
// curve, channels, customer tiers, IVR tree, patience, service types, agents and their shifts,
// voiceprint outcomes, conversation templates). JSON, validated with ajv; an error names the
// field and the rule. docs/simulator.md describes every field and the calibration of the defaults.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { fieldErrorOf, type FieldError } from '../../schemas/validation/ajv-field-errors.ts';
import type { CustomerTier, Speaker } from '../../schemas/generated/events.ts';

export interface Distribution {
  readonly mean: number;
  /** Coefficient of variation (sd ÷ mean) of a log-normal; 0 = always the mean. */
  readonly cv: number;
}

export interface ArrivalPoint {
  /** Local time of day HH:MM (the rate is linear between points, constant before the first and after the last). */
  readonly at: string;
  readonly callsPerHour: number;
}

export interface TierSpec {
  readonly tier: CustomerTier;
  readonly share: number;
  /** Added to QueueEntered.priority (routing adds its own tier priority and aging on top). */
  readonly priority: number;
  /** Mean patience in queue, seconds (exponential). */
  readonly patienceSeconds: number;
  /** Skips the IVR menus (VIPs go straight to a queue after identification). */
  readonly skipIvr?: boolean;
  /** Has a relationship agent (an agent of a group with `relationshipAgents`). */
  readonly relationshipAgent?: boolean;
}

export interface IvrOption {
  readonly next: string;
  readonly weight: number;
  readonly digits?: string;
  readonly intent?: string;
}

export interface IvrNode {
  readonly id: string;
  readonly type: 'MENU' | 'IDENTIFY' | 'SELF_SERVICE' | 'TRANSFER';
  readonly label: string;
  readonly dwellSeconds: number;
  /** MENU: where callers go, by weight. SELF_SERVICE: where the callers it does not contain go. */
  readonly options?: readonly IvrOption[];
  /** SELF_SERVICE: share of callers whose need is met without an agent. */
  readonly containment?: number;
  /** TRANSFER: the service type the caller needs (its queue and skill). */
  readonly serviceType?: string;
}

export interface ServiceType {
  readonly id: string;
  readonly queueId: string;
  readonly skill: string;
  readonly minProficiency: number;
  readonly intent: string;
  /** Talk time, seconds (log-normal). */
  readonly service: Distribution;
  /** Conversation template ids by weight. */
  readonly conversations: Readonly<Record<string, number>>;
  /** Share of answered calls the agent transfers to `transferTo` (a service type) mid-call. */
  readonly transferShare: number;
  readonly transferTo?: string;
  /** Share of answered calls where the agent brings a specialist into a conference. */
  readonly conferenceShare: number;
}

export interface ConversationLine {
  readonly speaker: Speaker;
  readonly zh: string;
  readonly en: string;
}

export interface Conversation {
  readonly id: string;
  readonly lines: readonly ConversationLine[];
}

export interface AgentGroup {
  /** Agent ids are `<prefix><n>` (n from 001): simulated agents never take a human's id. */
  readonly prefix: string;
  readonly count: number;
  readonly skills: Readonly<Record<string, number>>;
  readonly shift: { readonly start: string; readonly end: string };
  readonly breaks: readonly { readonly at: string; readonly minutes: number }[];
  /** These agents are the relationship agents of tiers with `relationshipAgent`. */
  readonly relationshipAgents?: boolean;
  /** Teams the agents log in with (`AgentLoggedIn.teams`; an outbound campaign's `agentGroup` is one). Default: the prefix. */
  readonly teams?: readonly string[];
}

/** The telephony side of outbound campaigns (docs/simulator.md, "Outbound"): the simulator dials what the dialer decides. */
export interface OutboundSpec {
  /** Shares of dials answered, busy, reaching voicemail, failed; the rest ring out (no answer). */
  readonly telephony: { readonly answer: number; readonly busy: number; readonly voicemail: number; readonly failed: number };
  /** Talk and wrap-up of a connected campaign call, seconds (log-normal). */
  readonly talkSeconds: Distribution;
  readonly wrapUpSeconds: Distribution;
  /** Shares of wrap-up dispositions (PROMISE_TO_PAY, DISPUTE, WRONG_NUMBER, NOT_RIGHT_PARTY or any other code). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** A promise to pay: the amount promised in major units (log-normal) and within how many days. */
  readonly promise: { readonly amount: Distribution; readonly maxDays: number };
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Local time of the contact centre as a fixed UTC offset (no time-zone database: a run is reproducible). */
  readonly utcOffsetMinutes: number;
  readonly arrivals: { readonly curve: readonly ArrivalPoint[]; readonly scale: number };
  /** Shares of new contacts by channel: phone, app hand-off to phone, video. */
  readonly channels: { readonly phone: number; readonly appHandOff: number; readonly video: number };
  /** Video calls need this skill and go to this queue. */
  readonly video: { readonly queueId: string; readonly skill: string; readonly service: Distribution };
  readonly tiers: readonly TierSpec[];
  readonly patience: {
    /** Probability that a caller hangs up at each IVR node. */
    readonly ivrHangUpPerNode: number;
    /** The queue-position announcement and the spike of hang-ups it causes. */
    readonly announcement: { readonly afterSeconds: number; readonly hangUpShare: number };
  };
  readonly ivr: { readonly flowId: string; readonly flowVersion: number; readonly root: string; readonly nodes: readonly IvrNode[] };
  readonly serviceTypes: readonly ServiceType[];
  /** Calls the agent ends within seconds (wrong number, caller cut off): the spike of very short services. */
  readonly shortService: { readonly share: number; readonly maxSeconds: number };
  readonly agents: {
    readonly groups: readonly AgentGroup[];
    readonly ringDelaySeconds: Distribution;
    /** Share of offers the agent lets ring out (routing times them out). */
    readonly noAnswerShare: number;
    readonly wrapUpSeconds: Distribution;
    /** How long an agent set not-ready by routing (ring-no-answer) stays away. */
    readonly notReadySeconds: number;
  };
  readonly voiceprint: { readonly checkedShare: number; readonly mismatchShare: number; readonly notEnoughSpeechShare: number };
  readonly transcripts: {
    readonly languages: Readonly<Record<string, number>>;
    /** Either the conversations or a JSON file of them (a path relative to the scenario file). */
    readonly conversations: readonly Conversation[];
  };
  /** Absent: the simulator leaves campaign dials to another telephony. */
  readonly outbound?: OutboundSpec;
}

export class ScenarioValidationError extends Error {
  override readonly name = 'ScenarioValidationError';
  readonly errors: readonly FieldError[];

  constructor(source: string, errors: readonly FieldError[]) {
    super(`scenario ${source} refused: ${errors.map((e) => `${e.field}: ${e.message} [${e.rule}]`).join('; ')}`);
    this.errors = errors;
  }
}

const clock = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const distribution = {
  type: 'object', additionalProperties: false, required: ['mean', 'cv'],
  properties: { mean: positive, cv: { type: 'number', minimum: 0, maximum: 5 } },
} as const;
const weights = { type: 'object', minProperties: 1, additionalProperties: { type: 'number', minimum: 0 } } as const;
const conversation = {
  type: 'object', additionalProperties: false, required: ['id', 'lines'],
  properties: {
    id: { type: 'string', minLength: 1 },
    lines: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false, required: ['speaker', 'zh', 'en'],
        properties: { speaker: { enum: ['CUSTOMER', 'AGENT'] }, zh: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

export const scenarioSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'utcOffsetMinutes', 'arrivals', 'channels', 'video', 'tiers', 'patience', 'ivr', 'serviceTypes', 'shortService', 'agents', 'voiceprint', 'transcripts'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    utcOffsetMinutes: { type: 'integer', minimum: -720, maximum: 840 },
    arrivals: {
      type: 'object', additionalProperties: false, required: ['curve', 'scale'],
      properties: {
        curve: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['at', 'callsPerHour'], properties: { at: clock, callsPerHour: { type: 'number', minimum: 0 } } } },
        scale: { type: 'number', minimum: 0 },
      },
    },
    channels: { type: 'object', additionalProperties: false, required: ['phone', 'appHandOff', 'video'], properties: { phone: share, appHandOff: share, video: share } },
    video: { type: 'object', additionalProperties: false, required: ['queueId', 'skill', 'service'], properties: { queueId: { type: 'string', minLength: 1 }, skill: { type: 'string', minLength: 1 }, service: distribution } },
    tiers: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false, required: ['tier', 'share', 'priority', 'patienceSeconds'],
        properties: {
          tier: { enum: ['VIP', 'PRIORITY', 'STANDARD', 'UNKNOWN'] }, share, priority: { type: 'integer', minimum: -100000, maximum: 100000 },
          patienceSeconds: positive, skipIvr: { type: 'boolean' }, relationshipAgent: { type: 'boolean' },
        },
      },
    },
    patience: {
      type: 'object', additionalProperties: false, required: ['ivrHangUpPerNode', 'announcement'],
      properties: {
        ivrHangUpPerNode: share,
        announcement: { type: 'object', additionalProperties: false, required: ['afterSeconds', 'hangUpShare'], properties: { afterSeconds: positive, hangUpShare: share } },
      },
    },
    ivr: {
      type: 'object', additionalProperties: false, required: ['flowId', 'flowVersion', 'root', 'nodes'],
      properties: {
        flowId: { type: 'string', minLength: 1 }, flowVersion: { type: 'integer', minimum: 1 }, root: { type: 'string', minLength: 1 },
        nodes: {
          type: 'array', minItems: 1,
          items: {
            type: 'object', additionalProperties: false, required: ['id', 'type', 'label', 'dwellSeconds'],
            properties: {
              id: { type: 'string', minLength: 1 }, type: { enum: ['MENU', 'IDENTIFY', 'SELF_SERVICE', 'TRANSFER'] }, label: { type: 'string' },
              dwellSeconds: { type: 'number', minimum: 0 }, containment: share, serviceType: { type: 'string', minLength: 1 },
              options: {
                type: 'array', minItems: 1,
                items: {
                  type: 'object', additionalProperties: false, required: ['next', 'weight'],
                  properties: { next: { type: 'string', minLength: 1 }, weight: { type: 'number', minimum: 0 }, digits: { type: 'string', pattern: '^[0-9*#]{1,8}$' }, intent: { type: 'string', minLength: 1 } },
                },
              },
            },
          },
        },
      },
    },
    serviceTypes: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false,
        required: ['id', 'queueId', 'skill', 'minProficiency', 'intent', 'service', 'conversations', 'transferShare', 'conferenceShare'],
        properties: {
          id: { type: 'string', minLength: 1 }, queueId: { type: 'string', minLength: 1 }, skill: { type: 'string', minLength: 1 },
          minProficiency: { type: 'integer', minimum: 1, maximum: 10 }, intent: { type: 'string', minLength: 1 }, service: distribution,
          conversations: weights, transferShare: share, transferTo: { type: 'string', minLength: 1 }, conferenceShare: share,
        },
      },
    },
    shortService: { type: 'object', additionalProperties: false, required: ['share', 'maxSeconds'], properties: { share, maxSeconds: positive } },
    agents: {
      type: 'object', additionalProperties: false, required: ['groups', 'ringDelaySeconds', 'noAnswerShare', 'wrapUpSeconds', 'notReadySeconds'],
      properties: {
        groups: {
          type: 'array', minItems: 1,
          items: {
            type: 'object', additionalProperties: false, required: ['prefix', 'count', 'skills', 'shift', 'breaks'],
            properties: {
              prefix: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,15}$' }, count: { type: 'integer', minimum: 0, maximum: 100000 },
              skills: { type: 'object', minProperties: 1, additionalProperties: { type: 'integer', minimum: 1, maximum: 10 } },
              shift: { type: 'object', additionalProperties: false, required: ['start', 'end'], properties: { start: clock, end: clock } },
              breaks: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['at', 'minutes'], properties: { at: clock, minutes: positive } } },
              relationshipAgents: { type: 'boolean' },
              teams: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
            },
          },
        },
        ringDelaySeconds: distribution, noAnswerShare: share, wrapUpSeconds: distribution, notReadySeconds: { type: 'number', minimum: 0 },
      },
    },
    voiceprint: { type: 'object', additionalProperties: false, required: ['checkedShare', 'mismatchShare', 'notEnoughSpeechShare'], properties: { checkedShare: share, mismatchShare: share, notEnoughSpeechShare: share } },
    transcripts: {
      type: 'object', additionalProperties: false, required: ['languages', 'conversations'],
      properties: {
        languages: { type: 'object', additionalProperties: false, minProperties: 1, properties: { 'zh-CN': { type: 'number', minimum: 0 }, 'en-US': { type: 'number', minimum: 0 } } },
        conversations: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: conversation }] },
      },
    },
    outbound: {
      type: 'object', additionalProperties: false, required: ['telephony', 'talkSeconds', 'wrapUpSeconds', 'outcomes', 'promise'],
      properties: {
        telephony: { type: 'object', additionalProperties: false, required: ['answer', 'busy', 'voicemail', 'failed'], properties: { answer: share, busy: share, voicemail: share, failed: share } },
        talkSeconds: distribution,
        wrapUpSeconds: distribution,
        outcomes: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Z][A-Z0-9_]{0,63}$' }, additionalProperties: share },
        promise: { type: 'object', additionalProperties: false, required: ['amount', 'maxDays'], properties: { amount: distribution, maxDays: { type: 'integer', minimum: 1, maximum: 365 } } },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateScenario: ValidateFunction = ajv.compile(scenarioSchema);
const validateConversations: ValidateFunction = ajv.compile({ type: 'array', minItems: 1, items: conversation });

const toFieldError = (prefix: string) => (error: ErrorObject): FieldError => {
  const fieldError = fieldErrorOf(error, { root: prefix || '(scenario)', unknownField: 'is not a known field' });
  return prefix && fieldError.field !== prefix ? { ...fieldError, field: `${prefix}.${fieldError.field}` } : fieldError;
};

function parseJson(source: string, text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ScenarioValidationError(source, [{ field, rule: 'json', message: `is not JSON: ${(error as Error).message}` }]);
  }
}

/** References JSON Schema cannot check: ids unique and known, shares that must add up, a tree that ends. */
function semanticErrors(scenario: Scenario): FieldError[] {
  const errors: FieldError[] = [];
  const unique = (field: string, ids: readonly string[]): void => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      if (seen.has(id)) errors.push({ field: `${field}.${index}.id`, rule: 'unique-id', message: `duplicates the id '${id}'` });
      seen.add(id);
    });
  };
  const nodes = new Map(scenario.ivr.nodes.map((node) => [node.id, node]));
  const services = new Set(scenario.serviceTypes.map((s) => s.id));
  const conversations = new Set(scenario.transcripts.conversations.map((c) => c.id));
  unique('ivr.nodes', scenario.ivr.nodes.map((n) => n.id));
  unique('serviceTypes', scenario.serviceTypes.map((s) => s.id));
  unique('transcripts.conversations', scenario.transcripts.conversations.map((c) => c.id));
  const sumsToOne = (field: string, values: readonly number[]): void => {
    const sum = values.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) errors.push({ field, rule: 'sum-to-one', message: `shares must add up to 1, they add up to ${Math.round(sum * 1e6) / 1e6}` });
  };
  sumsToOne('channels', [scenario.channels.phone, scenario.channels.appHandOff, scenario.channels.video]);
  sumsToOne('tiers', scenario.tiers.map((t) => t.share));
  if (!nodes.has(scenario.ivr.root)) errors.push({ field: 'ivr.root', rule: 'known-node', message: `names the node '${scenario.ivr.root}', which ivr.nodes does not define` });
  scenario.ivr.nodes.forEach((node, index) => {
    const field = `ivr.nodes.${index}`;
    (node.options ?? []).forEach((option, o) => {
      if (!nodes.has(option.next)) errors.push({ field: `${field}.options.${o}.next`, rule: 'known-node', message: `names the node '${option.next}', which ivr.nodes does not define` });
    });
    if (node.type === 'TRANSFER' && (node.serviceType === undefined || !services.has(node.serviceType))) {
      errors.push({ field: `${field}.serviceType`, rule: 'known-service-type', message: 'a TRANSFER node must name one of serviceTypes' });
    }
    if (node.type !== 'TRANSFER' && (node.options ?? []).length === 0) errors.push({ field: `${field}.options`, rule: 'required', message: `is required for a ${node.type} node (where callers go next)` });
    if (node.type === 'SELF_SERVICE' && node.containment === undefined) errors.push({ field: `${field}.containment`, rule: 'required', message: 'is required for a SELF_SERVICE node' });
  });
  errors.push(...cycleErrors(scenario.ivr.root, nodes));
  scenario.serviceTypes.forEach((service, index) => {
    if (service.transferShare > 0 && (service.transferTo === undefined || !services.has(service.transferTo))) {
      errors.push({ field: `serviceTypes.${index}.transferTo`, rule: 'known-service-type', message: 'is required and must name one of serviceTypes when transferShare > 0' });
    }
    for (const id of Object.keys(service.conversations)) {
      if (!conversations.has(id)) errors.push({ field: `serviceTypes.${index}.conversations.${id}`, rule: 'known-conversation', message: `names the conversation '${id}', which transcripts.conversations does not define` });
    }
  });
  scenario.agents.groups.forEach((group, index) => {
    if (group.shift.start === group.shift.end) errors.push({ field: `agents.groups.${index}.shift.end`, rule: 'after-start', message: 'must differ from shift.start' });
  });
  if (scenario.outbound) {
    const { answer, busy, voicemail, failed } = scenario.outbound.telephony;
    const dialled = answer + busy + voicemail + failed;
    if (dialled > 1 + 1e-6) errors.push({ field: 'outbound.telephony', rule: 'at-most-one', message: `shares must add up to at most 1 (the rest ring out), they add up to ${Math.round(dialled * 1e6) / 1e6}` });
    sumsToOne('outbound.outcomes', Object.values(scenario.outbound.outcomes));
  }
  const curve = scenario.arrivals.curve.map((p) => minutesOf(p.at));
  curve.forEach((minutes, index) => {
    if (index > 0 && minutes <= curve[index - 1]) errors.push({ field: `arrivals.curve.${index}.at`, rule: 'increasing', message: 'must be later than the point before it' });
  });
  return errors;
}

/** An IVR walk must end: no node may be reachable from itself. */
function cycleErrors(root: string, nodes: ReadonlyMap<string, IvrNode>): FieldError[] {
  const state = new Map<string, 'open' | 'done'>();
  const errors: FieldError[] = [];
  const visit = (id: string): void => {
    const node = nodes.get(id);
    if (!node || state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      errors.push({ field: 'ivr.nodes', rule: 'acyclic', message: `the IVR tree loops through node '${id}'` });
      return;
    }
    state.set(id, 'open');
    for (const option of node.options ?? []) visit(option.next);
    state.set(id, 'done');
  };
  visit(root);
  return errors.slice(0, 1);
}

export function minutesOf(clockTime: string): number {
  const [hours, minutes] = clockTime.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * Parses and validates a scenario. `readFile` resolves a `transcripts.conversations` file name
 * (relative to the scenario); errors name the field and the rule.
 */
export function parseScenario(text: string, source: string, readFile: (name: string) => string): Scenario {
  const document = parseJson(source, text, '(scenario)');
  if (!validateScenario(document)) throw new ScenarioValidationError(source, (validateScenario.errors ?? []).map(toFieldError('')));
  const raw = document as Omit<Scenario, 'transcripts'> & { transcripts: { languages: Record<string, number>; conversations: string | Conversation[] } };
  let conversations = raw.transcripts.conversations;
  if (typeof conversations === 'string') {
    const field = 'transcripts.conversations';
    let fileText: string;
    try {
      fileText = readFile(conversations);
    } catch (error) {
      throw new ScenarioValidationError(source, [{ field, rule: 'file', message: `cannot read '${conversations}': ${(error as Error).message}` }]);
    }
    const parsed = parseJson(source, fileText, field);
    if (!validateConversations(parsed)) throw new ScenarioValidationError(source, (validateConversations.errors ?? []).map(toFieldError(field)));
    conversations = parsed as Conversation[];
  }
  const scenario: Scenario = { ...raw, transcripts: { languages: raw.transcripts.languages, conversations } };
  const errors = semanticErrors(scenario);
  if (errors.length > 0) throw new ScenarioValidationError(source, errors);
  return scenario;
}

export function loadScenario(path: string): Scenario {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ScenarioValidationError(path, [{ field: '(scenario)', rule: 'file', message: `cannot be read: ${(error as Error).message}` }]);
  }
  return parseScenario(text, path, (name) => readFileSync(resolve(dirname(absolute), name), 'utf8'));
}
