// Turns a JSON event from an engine into an encodable ledger event: the server stamps
// recordedAt and producer (whatever the client sent), eventType defaults to type, ajv checks it
// against the Avro-derived JSON Schema, Avro defaults are filled in. Errors name field and rule.
import type { EncodableEvent, Envelope } from '../../schemas/codec/event-codec.ts';
import type { Catalogue } from '../../schemas/catalogue.ts';
import type { JsonEventValidator, FieldError } from '../../schemas/validation/json-event-validator.ts';

export interface Producer {
  readonly component: string;
  readonly version: string;
}

export type Prepared = { readonly ok: true; readonly event: EncodableEvent } | { readonly ok: false; readonly errors: readonly FieldError[] };

export function prepareEvent(raw: unknown, options: { validator: JsonEventValidator; catalogue: Catalogue; now: number; producer: Producer }): Prepared {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [{ field: '(event)', rule: 'type', message: 'must be a JSON object' }] };
  const input = raw as { type?: unknown; metadata?: unknown; data?: unknown };
  const metadata = typeof input.metadata === 'object' && input.metadata !== null && !Array.isArray(input.metadata) ? (input.metadata as Record<string, unknown>) : undefined;
  const stamped = metadata
    ? { ...input, metadata: { ...metadata, eventType: metadata.eventType ?? input.type, recordedAt: options.now, producer: { ...options.producer } } }
    : input;
  const result = options.validator.validate(stamped);
  if (!result.valid) return { ok: false, errors: result.errors };
  const event = stamped as { type: string; metadata: Envelope; data: object };
  if (event.metadata.eventType !== event.type) return { ok: false, errors: [{ field: 'metadata.eventType', rule: 'const', message: `must equal type '${event.type}'` }] };
  const definition = options.catalogue.get(event.type);
  // Avro defaults for fields the client left out (nullable ids, optional data fields).
  const filled = definition.avroType.clone({ metadata: event.metadata, data: event.data }) as { metadata: Envelope; data: object };
  return { ok: true, event: { type: event.type, metadata: filled.metadata, data: filled.data } };
}
