// Encodes ledger events to Confluent-wire-format Avro and back: the only place (with
// schemas/registry) that turns events into bytes. Encoding validates against the event type's
// schema (naming the field and the rule on failure) and encrypts personal fields first.
// Decoding resolves the writer's schema (found by the id in the header) to this checkout's
// reader schema, so old events read with today's code.
import avro from 'avsc';
import type { Catalogue, EventTypeDefinition } from '../catalogue.ts';
import type { SchemaRegistry } from '../registry/schema-registry.ts';
import type { PersonalDataProtector } from '../pii/personal-data.ts';
import { frame, HEADER_LENGTH, schemaIdOf, WireFormatError } from './wire-format.ts';
import type { Envelope } from '../generated/events.ts';

export type { Envelope };

/** An event as the rest of the product sees it (Emmett's shape). `type` equals metadata.eventType. */
export interface EncodableEvent {
  readonly type: string;
  readonly metadata: Envelope;
  readonly data: object;
}

export interface DecodedEvent extends EncodableEvent {
  /** The registry id of the schema the event was written with. */
  readonly schemaId: number;
}

/** An event that does not match its schema; `field` is the dotted path, `rule` what it broke. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  readonly retriable = false;
  readonly field: string;
  readonly rule: string;

  constructor(eventType: string, field: string, rule: string) {
    super(`${eventType}: ${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  readonly retriable = false;
}

interface ReaderForId {
  readonly definition: EventTypeDefinition;
  readonly resolver: avro.Resolver | undefined;
}

function describeType(type: avro.Type): string {
  const schema = type.schema() as unknown;
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return `one of ${JSON.stringify(schema)}`;
  const { type: kind, symbols } = schema as { type: string; symbols?: string[] };
  return symbols ? `one of the symbols ${symbols.join(', ')}` : kind;
}

export function validationError(definition: EventTypeDefinition, value: unknown): EventValidationError | undefined {
  // The fast check first; the error hook (slower) only runs to explain a failure.
  if (definition.avroType.isValid(value)) return undefined;
  let first: EventValidationError | undefined;
  definition.avroType.isValid(value, {
    errorHook(path: string[], bad: unknown, type: avro.Type) {
      if (first) return;
      const field = path.join('.') || '(event)';
      const rule = bad === undefined ? `required field missing (expected ${describeType(type)})` : `must be ${describeType(type)}, got ${JSON.stringify(bad)?.slice(0, 60)}`;
      first = new EventValidationError(definition.type, field, rule);
    },
  });
  return first;
}

export class EventCodec {
  readonly catalogue: Catalogue;
  private readonly registry: SchemaRegistry;
  private readonly personalData: PersonalDataProtector | undefined;
  private readonly idsByType = new Map<string, number>();
  private readonly registering = new Map<string, Promise<number>>();
  private readonly readers = new Map<number, ReaderForId>();

  constructor(options: { catalogue: Catalogue; registry: SchemaRegistry; personalData?: PersonalDataProtector }) {
    this.catalogue = options.catalogue;
    this.registry = options.registry;
    this.personalData = options.personalData;
  }

  /** Registers every event type's current schema (BACKWARD_TRANSITIVE subjects). */
  async registerAll(): Promise<void> {
    for (const definition of this.catalogue.all) await this.schemaIdFor(definition);
  }

  async schemaIdFor(definition: EventTypeDefinition): Promise<number> {
    const id = this.idsByType.get(definition.type);
    if (id !== undefined) return id;
    // One registration per type however many encodes ask for it at once.
    let registering = this.registering.get(definition.type);
    if (!registering) {
      registering = this.registry.register(definition.subject, JSON.stringify(definition.schema)).then((registered) => {
        this.idsByType.set(definition.type, registered);
        this.readers.set(registered, { definition, resolver: undefined });
        return registered;
      }).finally(() => this.registering.delete(definition.type));
      this.registering.set(definition.type, registering);
    }
    return registering;
  }

  definitionOf(event: EncodableEvent): EventTypeDefinition {
    if (!this.catalogue.has(event.type)) throw new UnknownEventTypeError(`type: '${event.type}' is not an event type of the catalogue`);
    const definition = this.catalogue.get(event.type);
    if (event.metadata?.eventType !== event.type) {
      throw new EventValidationError(event.type, 'metadata.eventType', `must equal the event type '${event.type}'`);
    }
    return definition;
  }

  /** Before encoding a batch: loads (or creates) the data keys of its subjects in bulk. */
  async prefetchSubjects(subjects: readonly string[]): Promise<void> {
    await this.personalData?.prefetch(subjects);
  }

  /** Validates, encrypts personal fields, and frames: bytes ready for the log. */
  async encode(event: EncodableEvent): Promise<Buffer> {
    const definition = this.definitionOf(event);
    const record = { metadata: event.metadata, data: event.data };
    const invalid = validationError(definition, record);
    if (invalid) throw invalid;
    const stored = this.personalData ? await this.personalData.protect(definition, record as never) : record;
    const id = await this.schemaIdFor(definition);
    return frame(id, definition.avroType.toBuffer(stored));
  }

  /** The partition key of an event, from its type's key path. */
  keyOf(event: EncodableEvent): string | null {
    const [root, ...rest] = this.definitionOf(event).keyPath.split('.');
    let value: unknown = root === 'metadata' ? event.metadata : event.data;
    for (const part of rest) value = (value as Record<string, unknown> | null)?.[part];
    return typeof value === 'string' ? value : null;
  }

  async decode(bytes: Buffer): Promise<DecodedEvent> {
    const id = schemaIdOf(bytes);
    if (!this.readers.has(id)) await this.learnSchema(id);
    return this.decodeKnown(bytes);
  }

  /** The event type of encoded bytes, from the schema id in the header alone (no body decoding). */
  async typeOf(bytes: Buffer): Promise<string> {
    const id = schemaIdOf(bytes);
    if (!this.readers.has(id)) await this.learnSchema(id);
    return (this.readers.get(id) as ReaderForId).definition.type;
  }

  /** Decodes without I/O; the schema id must already be known (after registerAll or one decode). */
  decodeKnown(bytes: Buffer): DecodedEvent {
    const id = schemaIdOf(bytes);
    const reader = this.readers.get(id);
    if (!reader) throw new WireFormatError(`schema id ${id} is not known yet (use decode)`);
    // Decode in place after the header (no slice per event); the body must be consumed exactly.
    let value: { metadata: Envelope; data: object };
    try {
      const decoded = reader.definition.avroType.decode(bytes, HEADER_LENGTH, reader.resolver) as { value: typeof value; offset: number };
      if (decoded.offset !== bytes.length) throw new Error(decoded.offset < 0 ? 'truncated body' : `${bytes.length - decoded.offset} trailing bytes`);
      value = decoded.value;
    } catch (error) {
      throw new WireFormatError(`cannot decode ${reader.definition.type} (schema id ${id}): ${(error as Error).message}`);
    }
    return { type: reader.definition.type, metadata: value.metadata, data: value.data, schemaId: id };
  }

  private async learnSchema(id: number): Promise<void> {
    const writerSchema = JSON.parse(await this.registry.schemaText(id)) as avro.Schema & { name?: string; namespace?: string };
    const writerType = avro.Type.forSchema(writerSchema, { wrapUnions: 'auto' });
    const fullName = writerType.name ?? '';
    const definition = this.catalogue.byFullName(fullName);
    if (!definition) throw new UnknownEventTypeError(`schema id ${id} is ${fullName}, which this version's catalogue does not know`);
    let resolver: avro.Resolver | undefined;
    if (!writerType.equals(definition.avroType)) resolver = definition.avroType.createResolver(writerType);
    this.readers.set(id, { definition, resolver });
  }
}
