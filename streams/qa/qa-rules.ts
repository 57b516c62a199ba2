// The QA rule document (QaRulesPublished.document): category weights, a pass mark and rules of
// six types, checked on every call. See docs/risk-and-qa.md for the format and the score formula.
import type { Severity, Speaker } from '../../schemas/generated/events.ts';
import { duplicateIds, RuleValidationError, severitySchema, speakerSchema, termListSchema, validateRuleDocument, type RuleFieldError } from '../rules/rule-document.ts';

export type QaCategory = 'GREETING' | 'IDENTITY_VERIFICATION' | 'COMPLIANCE_DISCLOSURE' | 'FORBIDDEN_WORDS' | 'EMPATHY' | 'SILENCE' | 'INTERRUPTION' | 'RESOLUTION' | 'CLOSING' | 'OTHER';

interface QaRuleBase {
  readonly id: string;
  readonly description: string;
  readonly category: QaCategory;
  readonly severity: Severity;
  /** Points deducted per finding (capped per call by the category's points). */
  readonly points: number;
}

export type QaRule = QaRuleBase & (
  | { readonly type: 'prohibited-phrase'; readonly speaker: Speaker; readonly terms: readonly string[] }
  | { readonly type: 'greeting'; readonly speaker: Speaker; readonly terms: readonly string[]; readonly withinSegments: number }
  | { readonly type: 'closing'; readonly speaker: Speaker; readonly terms: readonly string[]; readonly withinLastSegments: number }
  | {
    readonly type: 'mandatory-disclosure'; readonly speaker: Speaker;
    /** The disclosure applies only once one of these was said (e.g. a wealth product); absent: always. */
    readonly context?: readonly string[];
    /** Sale confirmation: the disclosure must have been said before the first of these. */
    readonly trigger: readonly string[];
    readonly required: readonly string[];
  }
  | { readonly type: 'long-silence'; readonly maxGapMs: number; readonly exemptAfter?: readonly string[] }
  | { readonly type: 'talk-over'; readonly speaker: Speaker; readonly minOverlapMs: number }
);

export interface QaRules {
  readonly rulesId: string;
  /** Score at or above which a call passes (and no CRITICAL finding). */
  readonly passMark: number;
  /** Points per category; the call's maximum score is their sum. */
  readonly categories: Readonly<Partial<Record<QaCategory, number>>>;
  readonly rules: readonly QaRule[];
}

const categorySchema = { enum: ['GREETING', 'IDENTITY_VERIFICATION', 'COMPLIANCE_DISCLOSURE', 'FORBIDDEN_WORDS', 'EMPATHY', 'SILENCE', 'INTERRUPTION', 'RESOLUTION', 'CLOSING', 'OTHER'] } as const;
const base = {
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
  description: { type: 'string', minLength: 1 },
  category: categorySchema,
  severity: severitySchema,
  points: { type: 'number', minimum: 0 },
} as const;
const baseRequired = ['id', 'description', 'type', 'category', 'severity', 'points'];

function ruleOf(type: string, properties: Record<string, unknown>, required: readonly string[]) {
  return {
    if: { type: 'object', properties: { type: { const: type } }, required: ['type'] },
    then: { type: 'object', additionalProperties: false, required: [...baseRequired, ...required], properties: { ...base, type: { const: type }, ...properties } },
  };
}

export const qaRulesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rulesId', 'passMark', 'categories', 'rules'],
  properties: {
    $comment: { type: 'string' },
    rulesId: { type: 'string', minLength: 1 },
    passMark: { type: 'number', minimum: 0 },
    categories: { type: 'object', propertyNames: categorySchema, additionalProperties: { type: 'number', minimum: 0 } },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: ['prohibited-phrase', 'greeting', 'closing', 'mandatory-disclosure', 'long-silence', 'talk-over'] } },
        allOf: [
          ruleOf('prohibited-phrase', { speaker: speakerSchema, terms: termListSchema }, ['speaker', 'terms']),
          ruleOf('greeting', { speaker: speakerSchema, terms: termListSchema, withinSegments: { type: 'integer', minimum: 1 } }, ['speaker', 'terms', 'withinSegments']),
          ruleOf('closing', { speaker: speakerSchema, terms: termListSchema, withinLastSegments: { type: 'integer', minimum: 1 } }, ['speaker', 'terms', 'withinLastSegments']),
          ruleOf('mandatory-disclosure', { speaker: speakerSchema, context: termListSchema, trigger: termListSchema, required: termListSchema }, ['speaker', 'trigger', 'required']),
          ruleOf('long-silence', { maxGapMs: { type: 'integer', minimum: 1000 }, exemptAfter: termListSchema }, ['maxGapMs']),
          ruleOf('talk-over', { speaker: speakerSchema, minOverlapMs: { type: 'integer', minimum: 100 } }, ['speaker', 'minOverlapMs']),
        ],
      },
    },
  },
} as const;

export function parseQaRules(input: unknown): QaRules {
  const rules = validateRuleDocument<QaRules>('QA rules', qaRulesSchema, input);
  const errors: RuleFieldError[] = duplicateIds(rules.rules, 'rules');
  rules.rules.forEach((rule, index) => {
    if (rules.categories[rule.category] === undefined) {
      errors.push({ field: `rules.${index}.category`, rule: 'known-category', message: `'${rule.category}' has no points in categories`, ruleId: rule.id });
    }
  });
  if (errors.length > 0) throw new RuleValidationError('QA rules', errors);
  return rules;
}
