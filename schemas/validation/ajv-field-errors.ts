// Turns ajv's errors into the project's error shape — the dotted field and the rule (the JSON
// Schema keyword) — for events arriving as JSON and for policy and rule documents alike.
import type { ErrorObject } from 'ajv';

export interface FieldError {
  /** Dotted path of the offending field, e.g. data.agentId; the root label for the whole value. */
  readonly field: string;
  /** The JSON Schema keyword that failed, e.g. required, type, enum, format. */
  readonly rule: string;
  readonly message: string;
}

export interface FieldErrorWording {
  /** What the whole value is called when the error is at its root, e.g. "(event)". */
  readonly root: string;
  /** The message for a property the schema does not allow. */
  readonly unknownField: string;
}

export function fieldErrorOf(error: ErrorObject, wording: FieldErrorWording): FieldError {
  const path = error.instancePath.split('/').filter(Boolean);
  const base = path.join('.');
  let field = base || wording.root;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    field = base ? `${base}.${missing}` : missing;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    field = base ? `${base}.${extra}` : extra;
    message = wording.unknownField;
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
  }
  return { field, rule: error.keyword, message };
}
