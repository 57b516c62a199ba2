// The campaign configuration document: what `call-ledger campaign start --file` reads and what
// CampaignStarted.config carries. Validated with ajv (errors name the field and the rule), then
// checked for what a JSON Schema cannot say (a window that closes before it opens, a back-off
// threshold above the cap). The dialer refuses a CampaignStarted whose document fails here.
import { RuleValidationError, validateRuleDocument, type RuleFieldError } from '../rules/rule-document.ts';

export type DialModeName = 'PREVIEW' | 'PROGRESSIVE' | 'PREDICTIVE';
export type RetryableResult = 'NO_ANSWER' | 'BUSY' | 'VOICEMAIL' | 'FAILED' | 'DROPPED';
export const retryableResults: readonly RetryableResult[] = ['NO_ANSWER', 'BUSY', 'VOICEMAIL', 'FAILED', 'DROPPED'];

export interface CallingWindow {
  /** ISO weekdays 1 (Monday) .. 7 (Sunday), in the customer's local time. */
  readonly days: readonly number[];
  /** Local time HH:MM: first dial at or after `open`, none at or after `close`. */
  readonly open: string;
  readonly close: string;
}

export interface CampaignConfig {
  readonly campaignId: string;
  /** Configuration version: a restart with a changed document carries a higher one. */
  readonly version: number;
  readonly name: string;
  readonly purpose: 'PAYMENT_REMINDER' | 'COLLECTIONS' | 'FRAUD_CHECK' | 'SERVICE_NOTICE' | 'SURVEY' | 'SALES' | 'OTHER';
  readonly script: string;
  readonly dialMode: DialModeName;
  /** Routing domain whose agents take the calls (and whose outbound input stream runs the campaign). */
  readonly site: string;
  /** Queue the connected calls enter (routing offers them to an agent of the group). */
  readonly queueId: string;
  /** Team (AgentLoggedIn.teams) whose agents take the connected calls. */
  readonly agentGroup: string;
  /**
   * Skills a connected call asks of its agent (QueueEntered.requiredSkills), so routing offers it
   * only to the campaign's agents even where the routing policy does not name the queue. Default: none.
   */
  readonly requiredSkills: readonly { readonly skill: string; readonly minProficiency: number }[];
  /** Routing priority of connected calls in the queue (they must not wait: a wait past the grace is a drop). */
  readonly queuePriority: number;
  readonly pacing: {
    /** Lines per ready agent, at most (VICIdial's dial level cap). */
    readonly maxDialLevel: number;
    /** Answer rate assumed until results come in. */
    readonly initialAnswerRate: number;
    /** Handle time (talk + after-call work) assumed until calls have been handled, seconds. */
    readonly initialHandleSeconds: number;
    /** Dial results the answer rate is computed over (the most recent). */
    readonly answerRateResults: number;
    /** How often the aggressiveness adapts, seconds of event time. */
    readonly adaptEverySeconds: number;
    /** Preview mode: seconds an agent reads the contact before the dial. */
    readonly previewSeconds: number;
  };
  readonly abandonCap: {
    /** Largest share of connected calls that may be dropped (e.g. 0.03). */
    readonly rate: number;
    /** A connected call with no agent within this many seconds is dropped. */
    readonly graceSeconds: number;
    /** Rolling window of connected calls the control loop watches, minutes. */
    readonly rollingWindowMinutes: number;
    /** Back off (halve the aggressiveness) when the rolling rate reaches this share of the cap. */
    readonly backoffAt: number;
  };
  readonly callingWindows: {
    /** Offset of customers whose contact record names none (fixed offset: no tz database, replays never change). */
    readonly defaultUtcOffsetMinutes: number;
    readonly weekly: readonly CallingWindow[];
    /** Local dates YYYY-MM-DD with no calls at all (public holidays). */
    readonly closedDates: readonly string[];
  };
  /** Dial attempts per contact, at most (a contact record may ask for fewer). */
  readonly maxAttempts: number;
  /** Minutes before the next attempt, per result of the last one. */
  readonly retryAfterMinutes: Readonly<Record<RetryableResult, number>>;
  readonly doNotCall: { readonly customerIds: readonly string[] };
  /** Import: priority = perDayOverdue × days overdue + perThousandDue × amount due ÷ 1,000 (major units). */
  readonly priority: { readonly perDayOverdue: number; readonly perThousandDue: number };
}

const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;
const minutes = { type: 'number', minimum: 1, maximum: 43_200 } as const;

export const campaignConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['campaignId', 'version', 'name', 'purpose', 'script', 'dialMode', 'site', 'queueId', 'agentGroup', 'abandonCap', 'callingWindows', 'maxAttempts', 'retryAfterMinutes'],
  properties: {
    campaignId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    version: { type: 'integer', minimum: 1 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    purpose: { enum: ['PAYMENT_REMINDER', 'COLLECTIONS', 'FRAUD_CHECK', 'SERVICE_NOTICE', 'SURVEY', 'SALES', 'OTHER'] },
    script: { type: 'string', minLength: 1 },
    dialMode: { enum: ['PREVIEW', 'PROGRESSIVE', 'PREDICTIVE'] },
    site: { type: 'string', minLength: 1 },
    queueId: { type: 'string', minLength: 1 },
    agentGroup: { type: 'string', minLength: 1 },
    queuePriority: { type: 'integer', minimum: 0, default: 1000 },
    requiredSkills: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['skill', 'minProficiency'],
        properties: { skill: { type: 'string', minLength: 1 }, minProficiency: { type: 'integer', minimum: 1, maximum: 10 } },
      },
    },
    pacing: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxDialLevel: { type: 'number', minimum: 1, maximum: 10, default: 3 },
        initialAnswerRate: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.3 },
        initialHandleSeconds: { type: 'number', minimum: 10, maximum: 7200, default: 180 },
        answerRateResults: { type: 'integer', minimum: 10, maximum: 10_000, default: 500 },
        adaptEverySeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
        previewSeconds: { type: 'number', minimum: 0, maximum: 600, default: 20 },
      },
    },
    abandonCap: {
      type: 'object',
      additionalProperties: false,
      required: ['rate'],
      properties: {
        rate: { type: 'number', exclusiveMinimum: 0, maximum: 0.2 },
        graceSeconds: { type: 'number', minimum: 1, maximum: 60, default: 2 },
        rollingWindowMinutes: { type: 'integer', minimum: 5, maximum: 43_200, default: 60 },
        backoffAt: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.8 },
      },
    },
    callingWindows: {
      type: 'object',
      additionalProperties: false,
      required: ['defaultUtcOffsetMinutes', 'weekly'],
      properties: {
        defaultUtcOffsetMinutes: { type: 'integer', minimum: -840, maximum: 840 },
        weekly: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['days', 'open', 'close'],
            properties: { days: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: 7 } }, open: hhmm, close: hhmm },
          },
        },
        closedDates: { type: 'array', default: [], items: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
      },
    },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
    retryAfterMinutes: {
      type: 'object',
      additionalProperties: false,
      required: ['NO_ANSWER', 'BUSY', 'VOICEMAIL'],
      properties: { NO_ANSWER: minutes, BUSY: minutes, VOICEMAIL: minutes, FAILED: { ...minutes, default: 60 }, DROPPED: { ...minutes, default: 1440 } },
    },
    doNotCall: {
      type: 'object',
      additionalProperties: false,
      default: { customerIds: [] },
      required: ['customerIds'],
      properties: { customerIds: { type: 'array', items: { type: 'string', minLength: 1 } } },
    },
    priority: {
      type: 'object',
      additionalProperties: false,
      default: { perDayOverdue: 10, perThousandDue: 1 },
      required: ['perDayOverdue', 'perThousandDue'],
      properties: { perDayOverdue: { type: 'number', minimum: 0 }, perThousandDue: { type: 'number', minimum: 0 } },
    },
  },
} as const;

/**
 * Parses (if a string) and validates a campaign document, filling defaults; throws
 * RuleValidationError naming each bad field and the rule it breaks.
 */
export function parseCampaignConfig(input: unknown): CampaignConfig {
  const config = withDefaults(validateRuleDocument<CampaignDocument>('campaign configuration', campaignConfigSchema, input));
  const errors: RuleFieldError[] = [];
  config.callingWindows.weekly.forEach((window, index) => {
    if (window.close <= window.open) errors.push({ field: `callingWindows.weekly.${index}.close`, rule: 'after-open', message: 'must be after open' });
  });
  if (errors.length > 0) throw new RuleValidationError('campaign configuration', errors);
  return config;
}

/** A document as written: the parts with defaults may be left out. */
type CampaignDocument = Omit<CampaignConfig, 'queuePriority' | 'requiredSkills' | 'pacing' | 'abandonCap' | 'callingWindows' | 'retryAfterMinutes' | 'doNotCall' | 'priority'> & {
  readonly queuePriority?: number;
  readonly requiredSkills?: CampaignConfig['requiredSkills'];
  readonly pacing?: Partial<CampaignConfig['pacing']>;
  readonly abandonCap: Partial<CampaignConfig['abandonCap']> & { readonly rate: number };
  readonly callingWindows: Omit<CampaignConfig['callingWindows'], 'closedDates'> & { readonly closedDates?: readonly string[] };
  readonly retryAfterMinutes: Omit<CampaignConfig['retryAfterMinutes'], 'FAILED' | 'DROPPED'> & { readonly FAILED?: number; readonly DROPPED?: number };
  readonly doNotCall?: CampaignConfig['doNotCall'];
  readonly priority?: CampaignConfig['priority'];
};

// The defaults are the schema's `default` annotations (ajv does not fill them in here: the shared instance validates only).
function withDefaults(document: CampaignDocument): CampaignConfig {
  return {
    ...document,
    queuePriority: document.queuePriority ?? 1000,
    requiredSkills: document.requiredSkills ?? [],
    pacing: { maxDialLevel: 3, initialAnswerRate: 0.3, initialHandleSeconds: 180, answerRateResults: 500, adaptEverySeconds: 30, previewSeconds: 20, ...document.pacing },
    abandonCap: { graceSeconds: 2, rollingWindowMinutes: 60, backoffAt: 0.8, ...document.abandonCap },
    callingWindows: { closedDates: [], ...document.callingWindows },
    retryAfterMinutes: { FAILED: 60, DROPPED: 1440, ...document.retryAfterMinutes },
    doNotCall: document.doNotCall ?? { customerIds: [] },
    priority: document.priority ?? { perDayOverdue: 10, perThousandDue: 1 },
  };
}

const dayMs = 86_400_000;

/** Whether a customer at `utcOffsetMinutes` may be called at event time `now` (epoch ms). */
export function inCallingWindow(windows: CampaignConfig['callingWindows'], utcOffsetMinutes: number, now: number): boolean {
  const local = now + utcOffsetMinutes * 60_000;
  if (windows.closedDates.length > 0 && windows.closedDates.includes(new Date(local).toISOString().slice(0, 10))) return false;
  const isoDay = ((Math.floor(local / dayMs) + 3) % 7) + 1; // 1970-01-01 was a Thursday (ISO day 4)
  const minute = Math.floor((((local % dayMs) + dayMs) % dayMs) / 60_000);
  const localTime = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return windows.weekly.some((w) => w.days.includes(isoDay) && localTime >= w.open && localTime < w.close);
}

/** Import: the dialling priority of a contact from days overdue and the amount due (major units). */
export function contactPriority(weights: CampaignConfig['priority'], daysOverdue: number, amountDueMajor: number): number {
  return Math.round(weights.perDayOverdue * Math.max(0, daysOverdue) + (weights.perThousandDue * Math.max(0, amountDueMajor)) / 1000);
}
