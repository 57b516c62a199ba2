// The event catalogue: one object per event type pairing its name, its Avro type, its registry
// subject, its topic and key, and the paths of its personal fields (Castore's eventType idea).
// Source of truth: the .avsc files under schemas/avro. Shared named types (the Envelope and
// schemas/avro/common/*) are inlined into each event's schema so every subject is self-contained
// in the registry (no schema references needed).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';

export type AvroSchema = string | AvroSchemaObject | AvroSchema[];
export interface AvroSchemaObject {
  readonly type: AvroSchema;
  readonly name?: string;
  readonly namespace?: string;
  readonly fields?: readonly AvroField[];
  readonly items?: AvroSchema;
  readonly values?: AvroSchema;
  readonly symbols?: readonly string[];
  readonly [attribute: string]: unknown;
}
export interface AvroField {
  readonly name: string;
  readonly type: AvroSchema;
  readonly default?: unknown;
  readonly doc?: string;
  readonly pii?: boolean;
  readonly [attribute: string]: unknown;
}

export interface EventTypeDefinition {
  /** Short name, e.g. InteractionStarted; equals metadata.eventType. */
  readonly type: string;
  /** Avro full name, e.g. ledger.interaction.InteractionStarted. */
  readonly fullName: string;
  readonly area: string;
  readonly doc: string;
  readonly topic: string;
  /** Dotted path of the partition key in the event, e.g. metadata.interactionId. */
  readonly keyPath: string;
  /** Registry subject (topic-record name strategy): `<topic>-<fullName>`. */
  readonly subject: string;
  /** Self-contained schema as registered (shared types inlined). */
  readonly schema: AvroSchemaObject;
  readonly avroType: avro.Type;
  /** Paths of personal fields, e.g. data.callerNumber or data.ticketFields[].value. */
  readonly piiPaths: readonly string[];
  /** Path of the .avsc file, relative to schemas/avro. */
  readonly file: string;
}

export interface Catalogue {
  readonly all: readonly EventTypeDefinition[];
  readonly topics: readonly string[];
  get(type: string): EventTypeDefinition;
  has(type: string): boolean;
  byFullName(fullName: string): EventTypeDefinition | undefined;
}

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
}

export const defaultSchemaDir = fileURLToPath(new URL('./avro', import.meta.url));

const primitives = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function fullNameOf(schema: AvroSchemaObject, enclosingNamespace: string): string {
  const name = schema.name ?? '';
  if (name.includes('.')) return name;
  const namespace = schema.namespace ?? enclosingNamespace;
  return namespace ? `${namespace}.${name}` : name;
}

/** Inlines named types the schema references but does not define, at their first use. */
function inlineSharedTypes(schema: AvroSchema, shared: ReadonlyMap<string, AvroSchemaObject>, defined: Set<string>, namespace: string): AvroSchema {
  if (typeof schema === 'string') {
    if (primitives.has(schema)) return schema;
    const qualified = schema.includes('.') ? schema : namespace ? `${namespace}.${schema}` : schema;
    if (defined.has(qualified) || defined.has(schema)) return schema;
    const definition = shared.get(qualified) ?? shared.get(schema);
    if (!definition) throw new CatalogueError(`unknown named type '${schema}'`);
    return inlineSharedTypes(definition, shared, defined, namespace);
  }
  if (Array.isArray(schema)) return schema.map((branch) => inlineSharedTypes(branch, shared, defined, namespace));
  const { type } = schema;
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const fullName = fullNameOf(schema, namespace);
    defined.add(fullName);
    const ownNamespace = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
    if (!schema.fields) return schema;
    return {
      ...schema,
      fields: schema.fields.map((field) => ({ ...field, type: inlineSharedTypes(field.type, shared, defined, ownNamespace) })),
    };
  }
  if (type === 'array' && schema.items !== undefined) return { ...schema, items: inlineSharedTypes(schema.items, shared, defined, namespace) };
  if (type === 'map' && schema.values !== undefined) return { ...schema, values: inlineSharedTypes(schema.values, shared, defined, namespace) };
  return { ...schema, type: inlineSharedTypes(type, shared, defined, namespace) };
}

/** Finds personal fields; only strings (or nullable strings) may be personal, since they are stored encrypted. */
function collectPiiPaths(schema: AvroSchema, path: string, out: string[], file: string): void {
  if (typeof schema === 'string') return;
  if (Array.isArray(schema)) {
    for (const branch of schema) collectPiiPaths(branch, path, out, file);
    return;
  }
  if (schema.type === 'record' && schema.fields) {
    for (const field of schema.fields) {
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      if (field.pii === true) {
        if (!isStringLike(field.type)) throw new CatalogueError(`${file}: ${fieldPath}: a personal field (pii) must be a string or a nullable string`);
        out.push(fieldPath);
      }
      collectPiiPaths(field.type, fieldPath, out, file);
    }
  } else if (schema.type === 'array' && schema.items !== undefined) {
    collectPiiPaths(schema.items, `${path}[]`, out, file);
  } else if (schema.type === 'map' && schema.values !== undefined) {
    collectPiiPaths(schema.values, `${path}{}`, out, file);
  } else if (typeof schema.type === 'object') {
    collectPiiPaths(schema.type, path, out, file);
  }
}

function isStringLike(type: AvroSchema): boolean {
  if (type === 'string') return true;
  if (Array.isArray(type)) return type.every((branch) => branch === 'null' || branch === 'string') && type.includes('string');
  return typeof type === 'object' && !Array.isArray(type) && type.type === 'string';
}

function listAvsc(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) return listAvsc(full);
      return entry.endsWith('.avsc') ? [full] : [];
    });
}

function readSchema(file: string): AvroSchemaObject {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AvroSchemaObject;
  } catch (error) {
    throw new CatalogueError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

function loadSharedTypes(dir: string): Map<string, AvroSchemaObject> {
  const shared = new Map<string, AvroSchemaObject>();
  const files = [join(dir, 'Envelope.avsc'), ...listAvsc(join(dir, 'common'))];
  for (const file of files) {
    const schema = readSchema(file);
    shared.set(fullNameOf(schema, ''), schema);
  }
  return shared;
}

export function buildEventType(file: string, raw: AvroSchemaObject, shared: ReadonlyMap<string, AvroSchemaObject>, area: string): EventTypeDefinition {
  if (raw.type !== 'record') throw new CatalogueError(`${file}: an event type must be an Avro record`);
  const type = raw.name ?? '';
  const fullName = fullNameOf(raw, '');
  const fieldNames = (raw.fields ?? []).map((f) => f.name).join(',');
  if (fieldNames !== 'metadata,data') throw new CatalogueError(`${file}: an event record has exactly the fields metadata (ledger.Envelope) and data, got ${fieldNames}`);
  const metadataType = raw.fields?.[0]?.type;
  const isEnvelope = metadataType === 'ledger.Envelope' || (typeof metadataType === 'object' && !Array.isArray(metadataType) && metadataType.name === 'Envelope' && metadataType.namespace === 'ledger');
  if (!isEnvelope) throw new CatalogueError(`${file}: metadata must be of type ledger.Envelope`);
  const topic = raw.topic;
  const keyPath = raw.key;
  if (typeof topic !== 'string' || !topic) throw new CatalogueError(`${file}: missing "topic" attribute`);
  if (typeof keyPath !== 'string' || !/^(metadata|data)\.[A-Za-z0-9_.]+$/.test(keyPath)) {
    throw new CatalogueError(`${file}: "key" must be a path like metadata.interactionId or data.agentId`);
  }
  const schema = inlineSharedTypes(raw, shared, new Set(), '') as AvroSchemaObject;
  let avroType: avro.Type;
  try {
    avroType = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'auto' });
  } catch (error) {
    throw new CatalogueError(`${file}: invalid Avro schema: ${(error as Error).message}`);
  }
  const piiPaths: string[] = [];
  collectPiiPaths(schema, '', piiPaths, file);
  return {
    type,
    fullName,
    area,
    doc: typeof raw.doc === 'string' ? raw.doc : '',
    topic,
    keyPath,
    subject: `${topic}-${fullName}`,
    schema,
    avroType,
    piiPaths,
    file,
  };
}

export function loadCatalogue(dir: string = defaultSchemaDir): Catalogue {
  const shared = loadSharedTypes(dir);
  const eventFiles = listAvsc(dir).filter((file) => {
    const rel = relative(dir, file);
    return rel !== 'Envelope.avsc' && !rel.startsWith('common/');
  });
  const all: EventTypeDefinition[] = [];
  const byType = new Map<string, EventTypeDefinition>();
  const byFullName = new Map<string, EventTypeDefinition>();
  for (const file of eventFiles) {
    const rel = relative(dir, file);
    const definition = buildEventType(rel, readSchema(file), shared, rel.split('/')[0] ?? '');
    if (byType.has(definition.type)) throw new CatalogueError(`${rel}: duplicate event type ${definition.type}`);
    all.push(definition);
    byType.set(definition.type, definition);
    byFullName.set(definition.fullName, definition);
  }
  return {
    all,
    topics: [...new Set(all.map((d) => d.topic))].sort(),
    get(type) {
      const definition = byType.get(type);
      if (!definition) throw new CatalogueError(`unknown event type '${type}'`);
      return definition;
    },
    has: (type) => byType.has(type),
    byFullName: (fullName) => byFullName.get(fullName),
  };
}

let cached: Catalogue | undefined;
/** The catalogue of this checkout's schemas, loaded once. */
export function catalogue(): Catalogue {
  cached ??= loadCatalogue();
  return cached;
}
