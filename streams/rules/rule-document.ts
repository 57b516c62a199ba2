// Rule documents (risk rules, QA rules, the script library) are JSON published as versioned
// control events. They are validated with ajv before use; an error names the field (dotted
// path) and the rule it broke, and, inside a rule list, the id of the rule it belongs to.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { fieldErrorOf } from '../../schemas/validation/ajv-field-errors.ts';

export interface RuleFieldError {
  /** Dotted path, e.g. fraudWords.3.proximity.within. */
  readonly field: string;
  /** The JSON Schema keyword (minimum, required, enum, ...) or a semantic rule (unique-id, ...). */
  readonly rule: string;
  readonly message: string;
  /** The id of the rule the field belongs to, when it is inside a rule list. */
  readonly ruleId?: string;
}

export class RuleValidationError extends Error {
  override readonly name = 'RuleValidationError';
  readonly retriable = false;
  readonly errors: readonly RuleFieldError[];

  constructor(document: string, errors: readonly RuleFieldError[]) {
    super(`${document} is invalid: ${errors.map((e) => `${e.field}${e.ruleId ? ` (rule ${e.ruleId})` : ''}: ${e.message} [${e.rule}]`).join('; ')}`);
    this.errors = errors;
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

function ruleIdAt(document: unknown, path: readonly string[]): string | undefined {
  let node: unknown = document;
  let found: string | undefined;
  for (const part of path) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[part];
    const id = node !== null && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
    if (typeof id === 'string') found = id;
  }
  return found;
}

function toFieldError(document: unknown, error: ErrorObject): RuleFieldError {
  const { field, rule, message } = fieldErrorOf(error, { root: '(document)', unknownField: 'is not a known field' });
  const path = error.instancePath.split('/').filter(Boolean);
  const ruleId = ruleIdAt(document, path);
  return ruleId ? { field, rule, message, ruleId } : { field, rule, message };
}

/** Parses (if a string) and validates a document against a JSON Schema; throws RuleValidationError. */
export function validateRuleDocument<T>(name: string, schema: object, input: unknown): T {
  let document = input;
  if (typeof input === 'string') {
    try {
      document = JSON.parse(input);
    } catch (error) {
      throw new RuleValidationError(name, [{ field: '(document)', rule: 'json', message: `is not JSON: ${(error as Error).message}` }]);
    }
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(document)) throw new RuleValidationError(name, (validate.errors ?? []).map((e) => toFieldError(document, e)));
  return document as T;
}

/** Semantic check shared by the rule lists: ids are unique. */
export function duplicateIds(list: readonly { id: string }[], field: string): RuleFieldError[] {
  const seen = new Set<string>();
  const errors: RuleFieldError[] = [];
  list.forEach((item, index) => {
    if (seen.has(item.id)) errors.push({ field: `${field}.${index}.id`, rule: 'unique-id', message: `duplicates the id '${item.id}'`, ruleId: item.id });
    seen.add(item.id);
  });
  return errors;
}

export const termListSchema = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, pattern: '[\\p{L}\\p{N}]' } } as const;
export const speakerSchema = { enum: ['CUSTOMER', 'AGENT', 'IVR', 'OTHER'] } as const;
export const severitySchema = { enum: ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] } as const;

/** A published version of a rule document, as the deciders hold it. */
export interface PolicyVersion<T> {
  readonly policyId: string;
  readonly version: number;
  /** Epoch ms: applies to events that occurred at or after this time. */
  readonly effectiveFrom: number;
  readonly document: T;
}

/** The version in force at an event time: the latest effective one (versions kept in publication order). */
export function versionAt<T>(versions: readonly PolicyVersion<T>[], occurredAt: number): PolicyVersion<T> | undefined {
  let chosen: PolicyVersion<T> | undefined;
  for (const version of versions) {
    if (version.effectiveFrom <= occurredAt && (!chosen || version.version > chosen.version)) chosen = version;
  }
  return chosen ?? versions[0];
}
