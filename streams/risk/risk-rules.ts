// The risk rule document (RiskRulesPublished.document): the voiceprint gate, fraud-word rules
// and the agitation detector. Validated with ajv; see docs/risk-and-qa.md for the format.
import type { AuthMethod, SensitiveOperationKind, Severity, Speaker } from '../../schemas/generated/events.ts';
import { duplicateIds, RuleValidationError, severitySchema, speakerSchema, termListSchema, validateRuleDocument, type RuleFieldError } from '../rules/rule-document.ts';

export interface ProtectedOperation {
  readonly kind: SensitiveOperationKind;
  /** Only amounts at or above this (minor units) are protected; absent: every request. */
  readonly minAmountMinor?: number;
}

export interface VoiceprintGateRules {
  readonly ruleId: string;
  readonly protectedOperations: readonly ProtectedOperation[];
  /** INCONCLUSIVE results pass only when the engine's fraud-risk score is below this (0-100). */
  readonly inconclusiveMaxFraudRisk: number;
  /** Any result with a fraud-risk score at or above this is treated as a mismatch (watchlist hit). */
  readonly fraudRiskThreshold: number;
  readonly stepUp: {
    readonly defaultMethod: AuthMethod;
    /** Transfers at or above this amount need a video identity check (or the given method). */
    readonly largeTransferMinAmountMinor: number;
    readonly largeTransferMethod: AuthMethod;
  };
}

export type FraudMatch =
  | { readonly phrase: { readonly terms: readonly string[] } }
  | { readonly proximity: { readonly terms: readonly string[]; readonly near: readonly string[]; readonly within: number } };

export interface FraudWordRule {
  readonly id: string;
  readonly description: string;
  readonly kind: 'FRAUD_WORDS' | 'SOCIAL_ENGINEERING';
  readonly severity: Severity;
  /** Who must say it; absent: anyone. */
  readonly speakers?: readonly Speaker[];
  readonly match: FraudMatch;
  /** Not a hit when one of these (e.g. 不要, never) comes at most `within` characters before the term. */
  readonly unlessPreceded?: { readonly terms: readonly string[]; readonly within: number };
  /** Require step-up authentication for sensitive operations pending or following in the call. */
  readonly stepUp: boolean;
}

export interface AgitationRules {
  readonly ruleId: string;
  /** Sliding window over call time (transcript and emotion offsets). */
  readonly windowMs: number;
  readonly assistThreshold: number;
  readonly supervisorThreshold: number;
  readonly speakers: readonly Speaker[];
  readonly cues: readonly { readonly id: string; readonly terms: readonly string[]; readonly weight: number }[];
  /** Weight per emotion (multiplied by intensity) for EmotionDetected at or above minIntensity. */
  readonly emotions: Readonly<Record<string, number>>;
  readonly minIntensity: number;
}

export interface RiskRules {
  readonly voiceprintGate: VoiceprintGateRules;
  readonly fraudWords: readonly FraudWordRule[];
  readonly agitation: AgitationRules;
}

const authMethod = { enum: ['OTP', 'VIDEO_IDENTITY', 'KNOWLEDGE_QUESTIONS', 'VOICEPRINT', 'APP_PUSH'] } as const;
const operationKind = { enum: ['FUNDS_TRANSFER', 'CHANGE_PHONE_NUMBER', 'CHANGE_ADDRESS', 'CARD_REPLACEMENT', 'CARD_UNBLOCK', 'PASSWORD_RESET', 'LIMIT_INCREASE', 'ACCOUNT_CLOSURE', 'OTHER'] } as const;
const ruleIdSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' } as const;

export const riskRulesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['voiceprintGate', 'fraudWords', 'agitation'],
  properties: {
    $comment: { type: 'string' },
    voiceprintGate: {
      type: 'object',
      additionalProperties: false,
      required: ['ruleId', 'protectedOperations', 'inconclusiveMaxFraudRisk', 'fraudRiskThreshold', 'stepUp'],
      properties: {
        ruleId: ruleIdSchema,
        protectedOperations: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: operationKind, minAmountMinor: { type: 'integer', minimum: 0 } } },
        },
        inconclusiveMaxFraudRisk: { type: 'number', minimum: 0, maximum: 100 },
        fraudRiskThreshold: { type: 'number', minimum: 0, maximum: 100 },
        stepUp: {
          type: 'object',
          additionalProperties: false,
          required: ['defaultMethod', 'largeTransferMinAmountMinor', 'largeTransferMethod'],
          properties: { defaultMethod: authMethod, largeTransferMinAmountMinor: { type: 'integer', minimum: 0 }, largeTransferMethod: authMethod },
        },
      },
    },
    fraudWords: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'description', 'kind', 'severity', 'match', 'stepUp'],
        properties: {
          id: ruleIdSchema,
          description: { type: 'string', minLength: 1 },
          kind: { enum: ['FRAUD_WORDS', 'SOCIAL_ENGINEERING'] },
          severity: severitySchema,
          speakers: { type: 'array', minItems: 1, items: speakerSchema },
          match: {
            type: 'object',
            minProperties: 1,
            maxProperties: 1,
            additionalProperties: false,
            properties: {
              phrase: { type: 'object', additionalProperties: false, required: ['terms'], properties: { terms: termListSchema } },
              proximity: {
                type: 'object',
                additionalProperties: false,
                required: ['terms', 'near', 'within'],
                properties: { terms: termListSchema, near: termListSchema, within: { type: 'integer', minimum: 0, maximum: 200 } },
              },
            },
          },
          unlessPreceded: { type: 'object', additionalProperties: false, required: ['terms', 'within'], properties: { terms: termListSchema, within: { type: 'integer', minimum: 0, maximum: 50 } } },
          stepUp: { type: 'boolean' },
        },
      },
    },
    agitation: {
      type: 'object',
      additionalProperties: false,
      required: ['ruleId', 'windowMs', 'assistThreshold', 'supervisorThreshold', 'speakers', 'cues', 'emotions', 'minIntensity'],
      properties: {
        ruleId: ruleIdSchema,
        windowMs: { type: 'integer', minimum: 1000 },
        assistThreshold: { type: 'number', exclusiveMinimum: 0 },
        supervisorThreshold: { type: 'number', exclusiveMinimum: 0 },
        speakers: { type: 'array', minItems: 1, items: speakerSchema },
        cues: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['id', 'terms', 'weight'], properties: { id: ruleIdSchema, terms: termListSchema, weight: { type: 'number', exclusiveMinimum: 0 } } },
        },
        emotions: { type: 'object', propertyNames: { enum: ['NEUTRAL', 'ANGRY', 'AGITATED', 'FRUSTRATED', 'ANXIOUS', 'SAD', 'HAPPY', 'CONFUSED', 'OTHER'] }, additionalProperties: { type: 'number', minimum: 0 } },
        minIntensity: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  },
} as const;

export function parseRiskRules(input: unknown): RiskRules {
  const rules = validateRuleDocument<RiskRules>('risk rules', riskRulesSchema, input);
  const errors: RuleFieldError[] = [...duplicateIds(rules.fraudWords, 'fraudWords'), ...duplicateIds(rules.agitation.cues, 'agitation.cues')];
  if (rules.agitation.supervisorThreshold < rules.agitation.assistThreshold) {
    errors.push({ field: 'agitation.supervisorThreshold', rule: 'ordering', message: 'must be at least agitation.assistThreshold', ruleId: rules.agitation.ruleId });
  }
  if (errors.length > 0) throw new RuleValidationError('risk rules', errors);
  return rules;
}
