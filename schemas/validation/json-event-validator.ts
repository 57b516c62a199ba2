// Validates events that arrive as JSON (HTTP ingest) with ajv against schemas derived from the
// Avro catalogue. A rejected event gets errors naming the field (dotted path) and the rule.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Catalogue } from '../catalogue.ts';
import { eventJsonSchema } from './avro-to-json-schema.ts';
import { fieldErrorOf, type FieldError } from './ajv-field-errors.ts';

export type { FieldError };

export type ValidationResult = { readonly valid: true } | { readonly valid: false; readonly errors: readonly FieldError[] };

const wording = { root: '(event)', unknownField: 'is not a field of this event type' };
const toFieldError = (error: ErrorObject): FieldError => fieldErrorOf(error, wording);

export class JsonEventValidator {
  private readonly catalogue: Catalogue;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(catalogue: Catalogue) {
    this.catalogue = catalogue;
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
  }

  /** The JSON Schema an event type is validated against (for the OpenAPI document). */
  schemaFor(type: string): Record<string, unknown> {
    return eventJsonSchema(type, this.catalogue.get(type).schema);
  }

  validate(event: unknown): ValidationResult {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { valid: false, errors: [{ field: '(event)', rule: 'type', message: 'must be a JSON object' }] };
    }
    const type = (event as { type?: unknown }).type;
    if (typeof type !== 'string') return { valid: false, errors: [{ field: 'type', rule: 'required', message: 'is required: the event type name' }] };
    if (!this.catalogue.has(type)) return { valid: false, errors: [{ field: 'type', rule: 'enum', message: `'${type}' is not an event type of the catalogue` }] };
    const validate = this.validatorFor(type);
    if (validate(event)) return { valid: true };
    // anyOf failures repeat every branch's complaint; keep the most specific one per field.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf').map(toFieldError);
    const unique = [...new Map(errors.map((e) => [`${e.field}|${e.rule}`, e])).values()];
    return { valid: false, errors: unique.length > 0 ? unique : [{ field: '(event)', rule: 'anyOf', message: 'does not match the schema' }] };
  }

  private validatorFor(type: string): ValidateFunction {
    let validate = this.validators.get(type);
    if (!validate) {
      validate = this.ajv.compile(this.schemaFor(type));
      this.validators.set(type, validate);
    }
    return validate;
  }
}
