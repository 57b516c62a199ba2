// Generates, from the event catalogue (the .avsc files), everything derived from it:
//   schemas/generated/events.ts  TypeScript types of every event
//   docs/events.md               human-readable catalogue: topics, keys, fields, personal data
//   docs/asyncapi.yaml           AsyncAPI 3.0 description of the topics and their messages
// Output is deterministic (sorted) so a unit test can check that the committed files are current.
// Usage: npm run schemas:generate
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue as loadDefaultCatalogue, defaultSchemaDir } from '../catalogue.ts';
import type { AvroField, AvroSchema, AvroSchemaObject, Catalogue, EventTypeDefinition } from '../catalogue.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** What each topic keeps, and why. */
export const topicRetention: Readonly<Record<string, string>> = {
  'ledger.interactions':
    'Kept forever (`retention.ms=-1`, `cleanup.policy=delete`, never compacted): the source of truth for every call, replayed for audit and rebuilds. Personal fields are crypto-shredded, not deleted.',
  'ledger.agents': 'Kept forever (`retention.ms=-1`): agent history feeds profiles and the routing state after a rebuild.',
  'ledger.control':
    'Kept forever (`retention.ms=-1`, never compacted): every policy/rule/flow version must stay replayable, since each decision names the version it used.',
  'ledger.outbound': 'Kept forever (`retention.ms=-1`): campaign results and drop rates are regulated and reported.',
  'ledger.audit': 'Kept forever (`retention.ms=-1`): who accessed which customer data is compliance evidence.',
  'ledger.routing.inputs':
    'Kept forever (`retention.ms=-1`): the one ordered stream per routing domain (keyed by site) that routing decided from — routing inputs re-appended by the sequencer with event-time ticks — so an audit replay sees the order that decided.',
};

const primitiveTs: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Uint8Array',
  string: 'string',
};

const isObject = (schema: AvroSchema): schema is AvroSchemaObject => typeof schema === 'object' && !Array.isArray(schema);
const isNamed = (schema: AvroSchemaObject): boolean => ['record', 'enum', 'fixed', 'error'].includes(schema.type as string);

function fullName(schema: AvroSchemaObject, namespace: string): string {
  const name = schema.name ?? '';
  if (name.includes('.')) return name;
  const ns = schema.namespace ?? namespace;
  return ns ? `${ns}.${name}` : name;
}
const namespaceOf = (full: string): string => (full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '');
const shortName = (full: string): string => full.slice(full.lastIndexOf('.') + 1);
/** Shared types: the envelope and schemas/avro/common, all in namespace `ledger`. */
const isShared = (full: string): boolean => namespaceOf(full) === 'ledger';

/** Collects every named type defined in a schema, by full name. */
function collectNamed(schema: AvroSchema, namespace: string, out: Map<string, AvroSchemaObject>): void {
  if (typeof schema === 'string') return;
  if (Array.isArray(schema)) {
    for (const branch of schema) collectNamed(branch, namespace, out);
    return;
  }
  if (isNamed(schema)) {
    const full = fullName(schema, namespace);
    out.set(full, schema);
    for (const field of schema.fields ?? []) collectNamed(field.type, namespaceOf(full), out);
    return;
  }
  if (schema.type === 'array' && schema.items !== undefined) collectNamed(schema.items, namespace, out);
  else if (schema.type === 'map' && schema.values !== undefined) collectNamed(schema.values, namespace, out);
  else collectNamed(schema.type, namespace, out);
}

function resolveName(name: string, namespace: string, named: ReadonlyMap<string, AvroSchemaObject>): [string, AvroSchemaObject] {
  const candidates = name.includes('.') ? [name] : [`${namespace}.${name}`, name];
  for (const candidate of candidates) {
    const found = named.get(candidate);
    if (found) return [candidate, found];
  }
  throw new Error(`unresolved Avro name ${name} in namespace ${namespace}`);
}

// ---------------------------------------------------------------------------------------------
// TypeScript types

const tsDoc = (doc: string | undefined, indent: string, extra: string[] = []): string => {
  const lines = [...(doc ? [doc] : []), ...extra];
  if (lines.length === 0) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`).join('\n')}\n${indent} */\n`;
};

function tsFields(fields: readonly AvroField[], namespace: string, named: ReadonlyMap<string, AvroSchemaObject>, indent: string): string {
  return fields
    .map((field) => {
      const extra = field.pii === true ? ['Personal data: encrypted field by field before it reaches the log.'] : [];
      return `${tsDoc(field.doc, indent, extra)}${indent}readonly ${field.name}: ${tsType(field.type, namespace, named, indent)};\n`;
    })
    .join('');
}

function tsType(schema: AvroSchema, namespace: string, named: ReadonlyMap<string, AvroSchemaObject>, indent: string): string {
  if (typeof schema === 'string') {
    const primitive = primitiveTs[schema];
    if (primitive) return primitive;
    const [full, definition] = resolveName(schema, namespace, named);
    return tsNamed(full, definition, named, indent);
  }
  if (Array.isArray(schema)) {
    const ordered = [...schema.filter((branch) => branch !== 'null'), ...schema.filter((branch) => branch === 'null')];
    return ordered.map((branch) => tsType(branch, namespace, named, indent)).join(' | ');
  }
  if (isNamed(schema)) return tsNamed(fullName(schema, namespace), schema, named, indent);
  if (schema.type === 'array' && schema.items !== undefined) return `ReadonlyArray<${tsType(schema.items, namespace, named, indent)}>`;
  if (schema.type === 'map' && schema.values !== undefined) return `Readonly<Record<string, ${tsType(schema.values, namespace, named, indent)}>>`;
  return tsType(schema.type, namespace, named, indent);
}

function tsNamed(full: string, schema: AvroSchemaObject, named: ReadonlyMap<string, AvroSchemaObject>, indent: string): string {
  if (isShared(full)) return shortName(full);
  return tsInline(full, schema, named, indent);
}

function tsInline(full: string, schema: AvroSchemaObject, named: ReadonlyMap<string, AvroSchemaObject>, indent: string): string {
  if (schema.type === 'enum') return (schema.symbols ?? []).map((symbol) => `'${symbol}'`).join(' | ');
  if (schema.type === 'fixed') return 'Uint8Array';
  return `{\n${tsFields(schema.fields ?? [], namespaceOf(full), named, `${indent}  `)}${indent}}`;
}

function tsDeclaration(full: string, schema: AvroSchemaObject, named: ReadonlyMap<string, AvroSchemaObject>): string {
  const name = shortName(full);
  const doc = tsDoc(typeof schema.doc === 'string' ? schema.doc : undefined, '');
  if (schema.type === 'record') return `${doc}export interface ${name} {\n${tsFields(schema.fields ?? [], namespaceOf(full), named, '  ')}}\n`;
  return `${doc}export type ${name} = ${tsInline(full, schema, named, '')};\n`;
}

export function renderEventsTs(cat: Catalogue): string {
  const events = sortedEvents(cat);
  const shared = new Map<string, AvroSchemaObject>();
  const out: string[] = [
    '// GENERATED by schemas/tools/generate.ts from schemas/avro/**/*.avsc. Do not edit: run `npm run schemas:generate`.',
    '/* eslint-disable */',
    '',
  ];
  const namedPerEvent = new Map<string, Map<string, AvroSchemaObject>>();
  for (const event of events) {
    const named = new Map<string, AvroSchemaObject>();
    collectNamed(event.schema, '', named);
    namedPerEvent.set(event.type, named);
    for (const [full, schema] of named) if (isShared(full) && !shared.has(full)) shared.set(full, schema);
  }
  const allShared = new Map([...namedPerEvent.values()].flatMap((m) => [...m]).filter(([full]) => isShared(full)));
  for (const full of [...shared.keys()].sort()) out.push(tsDeclaration(full, shared.get(full) as AvroSchemaObject, allShared));
  for (const event of events) {
    const named = namedPerEvent.get(event.type) as Map<string, AvroSchemaObject>;
    const dataField = (event.schema.fields ?? []).find((field) => field.name === 'data') as AvroField;
    const dataSchema = dataField.type as AvroSchemaObject;
    const extra = [`Topic \`${event.topic}\`, key \`${event.keyPath}\`, subject \`${event.subject}\`.`];
    out.push(
      `${tsDoc(event.doc, '', extra)}export interface ${event.type}Data {\n${tsFields(dataSchema.fields ?? [], namespaceOf(event.fullName), named, '  ')}}\n`,
    );
  }
  out.push(
    '/** Event type name → type of its `data`. */',
    'export interface LedgerEventMap {',
    ...events.map((event) => `  readonly ${event.type}: ${event.type}Data;`),
    '}',
    '',
    'export type LedgerEventType = keyof LedgerEventMap;',
    '',
    '/** Every event type name, sorted. */',
    'export const ledgerEventTypes: readonly LedgerEventType[] = [',
    ...events.map((event) => `  '${event.type}',`),
    '];',
    '',
    '/** An event of type T as the ledger carries it: the envelope plus its data. */',
    'export interface LedgerEvent<T extends LedgerEventType = LedgerEventType> {',
    '  readonly type: T;',
    '  readonly metadata: Envelope;',
    '  readonly data: LedgerEventMap[T];',
    '}',
    '',
    '/** Any ledger event, discriminated by `type`. */',
    'export type AnyLedgerEvent = { [T in LedgerEventType]: LedgerEvent<T> }[LedgerEventType];',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// docs/events.md

interface FieldRow {
  readonly path: string;
  readonly type: string;
  readonly doc: string;
  readonly pii: boolean;
}

function avroTypeLabel(schema: AvroSchema, namespace: string): string {
  if (typeof schema === 'string') return primitiveTs[schema] !== undefined ? schema : shortName(schema);
  if (Array.isArray(schema)) {
    const nonNull = schema.filter((branch) => branch !== 'null');
    const label = nonNull.map((branch) => avroTypeLabel(branch, namespace)).join(' \\| ');
    return nonNull.length < schema.length ? `${label}?` : label;
  }
  if (schema.type === 'enum') return `enum ${schema.name} {${(schema.symbols ?? []).join(', ')}}${schema.default !== undefined ? ` default ${String(schema.default)}` : ''}`;
  if (schema.type === 'record') return `record ${schema.name}`;
  if (schema.type === 'array' && schema.items !== undefined) return `array<${avroTypeLabel(schema.items, namespace)}>`;
  if (schema.type === 'map' && schema.values !== undefined) return `map<${avroTypeLabel(schema.values, namespace)}>`;
  if (typeof schema.logicalType === 'string') return `${avroTypeLabel(schema.type, namespace)} (${schema.logicalType})`;
  return avroTypeLabel(schema.type, namespace);
}

/** The record (if any) a field's values are, looking through nullable unions and arrays. */
function nestedRecord(schema: AvroSchema, namespace: string, named: ReadonlyMap<string, AvroSchemaObject>): [string, AvroSchemaObject, string] | undefined {
  if (typeof schema === 'string') {
    if (primitiveTs[schema] !== undefined) return undefined;
    const [full, definition] = resolveName(schema, namespace, named);
    return definition.type === 'record' ? [full, definition, ''] : undefined;
  }
  if (Array.isArray(schema)) {
    const nonNull = schema.filter((branch) => branch !== 'null');
    return nonNull.length === 1 ? nestedRecord(nonNull[0] as AvroSchema, namespace, named) : undefined;
  }
  if (schema.type === 'record') return [fullName(schema, namespace), schema, ''];
  if (schema.type === 'array' && schema.items !== undefined) {
    const inner = nestedRecord(schema.items, namespace, named);
    return inner ? [inner[0], inner[1], `[]${inner[2]}`] : undefined;
  }
  return undefined;
}

function fieldRows(fields: readonly AvroField[], prefix: string, namespace: string, named: ReadonlyMap<string, AvroSchemaObject>): FieldRow[] {
  return fields.flatMap((field) => {
    const path = `${prefix}${field.name}`;
    const typeDoc = isObject(field.type) && typeof field.type.doc === 'string' ? field.type.doc : '';
    const row: FieldRow = { path, type: avroTypeLabel(field.type, namespace), doc: field.doc ?? typeDoc, pii: field.pii === true };
    const nested = nestedRecord(field.type, namespace, named);
    if (!nested) return [row];
    const [full, record, suffix] = nested;
    return [row, ...fieldRows(record.fields ?? [], `${path}${suffix}.`, namespaceOf(full), named)];
  });
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldTable(rows: readonly FieldRow[]): string[] {
  return [
    '| field | type | description | personal |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| \`${row.path}\` | ${row.type.replace(/(?<!\\)\|/g, '\\|')} | ${cell(row.doc)} | ${row.pii ? '**yes**' : 'no'} |`),
  ];
}

const anchor = (type: string): string => type.toLowerCase();

export function renderEventsMd(cat: Catalogue): string {
  const events = sortedEvents(cat);
  const envelope = JSON.parse(readFileSync(join(defaultSchemaDir, 'Envelope.avsc'), 'utf8')) as AvroSchemaObject;
  const envelopeNamed = new Map<string, AvroSchemaObject>();
  collectNamed(envelope, '', envelopeNamed);
  const out: string[] = [
    '<!-- GENERATED by schemas/tools/generate.ts from schemas/avro/**/*.avsc. Do not edit: run `npm run schemas:generate`. -->',
    '# Event catalogue',
    '',
    `${events.length} event types on ${cat.topics.length} topics. The source of truth is the Avro schemas in \`schemas/avro\`: one file per event type (\`schemas/avro/<area>/<EventType>.avsc\`), shared enums and records in \`schemas/avro/common\`.`,
    '',
    '## Envelope',
    '',
    'Every event is an Avro record with exactly two fields: `metadata`, the shared envelope `ledger.Envelope`, and `data`, the event-specific record `<EventType>Data`. The envelope carries the event id (consumers deduplicate on it), the event type, event time (`occurredAt`, which KPIs and timers use) and ledger time (`recordedAt`), the source system, the interaction, correlation and causation ids, the producing component and its version, and the data subject whose key encrypts the personal fields.',
    '',
    ...fieldTable(fieldRows(envelope.fields ?? [], 'metadata.', 'ledger', envelopeNamed)),
    '',
    '## Subjects and wire format',
    '',
    'Several event types share a topic, so schemas are registered under the **topic-record name strategy**: subject `<topic>-<fullName>`, e.g. `ledger.interactions-ledger.interaction.InteractionStarted`. Each subject holds a self-contained schema (shared types inlined) and is `BACKWARD_TRANSITIVE`. Messages use the Confluent wire format: magic byte 0, 4-byte schema id, Avro binary. The Kafka message key is the UTF-8 string found at the event type\'s key path.',
    '',
    '## Record headers',
    '',
    'Headers carry where a record came from, never event data:',
    '',
    '| header | set by | value |',
    '| --- | --- | --- |',
    '| `ledger_source` | every stream processor output (streams/runtime) | `<group>\\|<input topic>\\|<partition>\\|<offset>\\|<index>`: the input it was decided on and its place among that input\'s outputs. Routing and risk write at-least-once, so after a crash an output may be in the log twice (same id, same content); consumers drop a record at or below the highest position seen per `<group>\\|<topic>\\|<partition>` (docs/routing.md, "Delivery"). |',
    '| `ledger_causation` | decisions of stream processors | `<topic>/<partition>/<offset>` of the input. |',
    '| `ledger_dlq_*` | records on `ledger.deadletter` | reason, stage, group, and the original topic, partition, offset and timestamp. |',
    '',
    '## Personal data and crypto-shredding',
    '',
    'Fields marked **personal** (`"pii": true` in the schema; only strings may be) are encrypted field by field with AES-256-GCM under a per-data-subject key (named by `metadata.dataSubject`) before the event reaches the log; keys are wrapped by a master key. Deleting a data subject\'s key makes their personal fields unreadable everywhere, old log segments and replicas included (crypto-shredding), while the rest of the event stays usable. Customer ids are pseudonymous bank numbers and are not marked personal. Every decryption for a user is itself recorded as `DataAccessed`.',
    '',
    '## Evolution rules',
    '',
    'Optional fields are `["null", T]` with default `null`; enums have a default symbol (`UNKNOWN`/`OTHER`) so older readers survive new symbols; timestamps are `long` `timestamp-millis`; durations are `long` milliseconds named `…Ms`; money is `ledger.Money` (minor units + ISO 4217 currency). `npm run schemas:check` refuses breaking changes.',
    '',
    '## Topics',
    '',
    '| topic | key | event types | retention |',
    '| --- | --- | --- | --- |',
  ];
  for (const topic of cat.topics) {
    const ofTopic = events.filter((event) => event.topic === topic);
    const keys = [...new Set(ofTopic.map((event) => `\`${event.keyPath}\``))].sort().join(', ');
    out.push(`| \`${topic}\` | ${keys} | ${ofTopic.length} | ${cell(topicRetention[topic] ?? 'Kept forever.')} |`);
  }
  out.push('');
  for (const topic of cat.topics) {
    const ofTopic = events.filter((event) => event.topic === topic);
    out.push(`### \`${topic}\``, '', ...ofTopic.map((event) => `- [${event.type}](#${anchor(event.type)}) — key \`${event.keyPath}\``), '');
  }
  out.push('## Event types', '');
  for (const event of events) {
    const named = new Map<string, AvroSchemaObject>();
    collectNamed(event.schema, '', named);
    const dataField = (event.schema.fields ?? []).find((field) => field.name === 'data') as AvroField;
    const dataSchema = dataField.type as AvroSchemaObject;
    out.push(
      `### ${event.type}`,
      '',
      event.doc,
      '',
      `- topic: \`${event.topic}\``,
      `- key: \`${event.keyPath}\``,
      `- subject: \`${event.subject}\``,
      `- schema: \`schemas/avro/${event.file}\``,
      `- personal fields: ${event.piiPaths.length === 0 ? 'none' : event.piiPaths.map((p) => `\`${p}\``).join(', ')}`,
      '',
      ...fieldTable([
        { path: 'metadata', type: 'Envelope', doc: 'The shared envelope (see above).', pii: false },
        ...fieldRows(dataSchema.fields ?? [], 'data.', namespaceOf(fullName(dataSchema, namespaceOf(event.fullName))), named),
      ]),
      '',
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// docs/asyncapi.yaml

type Yaml = string | number | boolean | null | readonly Yaml[] | { readonly [key: string]: Yaml };

const plainKey = /^[A-Za-z_$][A-Za-z0-9_.$/-]*$/;
const reservedWord = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const yamlKey = (key: string): string => (plainKey.test(key) && !reservedWord.test(key) ? key : JSON.stringify(key));
const yamlScalar = (value: string | number | boolean | null): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** A small deterministic YAML emitter (block style; strings double-quoted with JSON escapes, which YAML accepts). */
export function toYaml(value: Yaml, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item: Yaml) => {
        if (item !== null && typeof item === 'object') {
          const body = toYaml(item, `${indent}  `);
          return `${indent}- ${body.startsWith(indent + '  ') ? body.slice(indent.length + 2) : body}`;
        }
        return `${indent}- ${yamlScalar(item)}`;
      })
      .join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as { readonly [key: string]: Yaml });
    if (entries.length === 0) return '{}';
    return entries
      .map(([key, item]) => {
        if (item !== null && typeof item === 'object' && (Array.isArray(item) ? item.length > 0 : Object.keys(item).length > 0)) {
          return `${indent}${yamlKey(key)}:\n${toYaml(item, `${indent}  `)}`;
        }
        return `${indent}${yamlKey(key)}: ${item !== null && typeof item === 'object' ? toYaml(item, indent) : yamlScalar(item)}`;
      })
      .join('\n');
  }
  return yamlScalar(value);
}

export const avroSchemaFormat = 'application/vnd.apache.avro;version=1.9.0';

const channelId = (topic: string): string => topic.replace(/^ledger\./, '');

export function buildAsyncApi(cat: Catalogue, version: string): Record<string, Yaml> {
  const events = sortedEvents(cat);
  const channels: Record<string, Yaml> = {};
  const operations: Record<string, Yaml> = {};
  for (const topic of cat.topics) {
    const ofTopic = events.filter((event) => event.topic === topic);
    const keys = [...new Set(ofTopic.map((event) => event.keyPath))].sort();
    const id = channelId(topic);
    channels[id] = {
      address: topic,
      title: topic,
      description: `Keyed by ${keys.map((k) => `\`${k}\``).join(' or ')}. ${topicRetention[topic] ?? ''}`.trim(),
      messages: Object.fromEntries(ofTopic.map((event) => [event.type, { $ref: `#/components/messages/${event.type}` }])),
      bindings: {
        kafka: {
          topic,
          topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': -1 },
          bindingVersion: '0.5.0',
        },
      },
    };
    const operationId = `append${id.charAt(0).toUpperCase()}${id.slice(1)}`;
    operations[operationId] = {
      action: 'send',
      title: `Append to ${topic}`,
      summary: `Producers append ${topic} events to the ledger.`,
      channel: { $ref: `#/channels/${id}` },
      messages: ofTopic.map((event) => ({ $ref: `#/channels/${id}/messages/${event.type}` })),
    };
  }
  const messages: Record<string, Yaml> = {};
  for (const event of events) {
    messages[event.type] = {
      name: event.type,
      title: event.type,
      summary: event.doc,
      contentType: 'application/vnd.apache.avro+binary',
      payload: { schemaFormat: avroSchemaFormat, schema: event.schema as unknown as Yaml },
      bindings: {
        kafka: {
          key: { type: 'string', description: `The value at \`${event.keyPath}\`.` },
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicRecordNameStrategy',
          bindingVersion: '0.5.0',
        },
      },
      'x-subject': event.subject,
      'x-key-path': event.keyPath,
      'x-personal-fields': [...event.piiPaths],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Call Ledger events',
      version,
      description:
        'The event contract of Call Ledger, an event-sourced call ledger for a bank\'s contact centre. Generated from schemas/avro by schemas/tools/generate.ts; see docs/events.md. Personal fields (x-personal-fields) are encrypted field by field before they reach the log.',
    },
    defaultContentType: 'application/vnd.apache.avro+binary',
    servers: {
      kafka: { host: 'localhost:9092', protocol: 'kafka', description: 'Kafka (KRaft) broker of a local run (docker-compose or infra scripts).' },
    },
    channels,
    operations,
    components: { messages },
  };
}

export function renderAsyncApi(cat: Catalogue, version: string = packageVersion()): string {
  return `# GENERATED by schemas/tools/generate.ts from schemas/avro/**/*.avsc. Do not edit: run \`npm run schemas:generate\`.\n${toYaml(buildAsyncApi(cat, version))}\n`;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function sortedEvents(cat: Catalogue): EventTypeDefinition[] {
  return [...cat.all].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** Every generated file, path relative to the repository root → content. */
export function generatedFiles(cat: Catalogue = loadDefaultCatalogue()): Record<string, string> {
  return {
    'schemas/generated/events.ts': renderEventsTs(cat),
    'docs/events.md': renderEventsMd(cat),
    'docs/asyncapi.yaml': renderAsyncApi(cat),
  };
}

export function writeGeneratedFiles(root: string = repoRoot): string[] {
  const files = generatedFiles();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return Object.keys(files);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const path of writeGeneratedFiles()) console.log(`wrote ${path}`);
}
