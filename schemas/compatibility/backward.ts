// BACKWARD compatibility by Avro's schema resolution rules: can a reader with the NEW schema read
// every event written with an OLD one? Each problem names the field path and the rule broken, so
// `npm run schemas:check` tells an engineer exactly what to change.
import type { AvroField, AvroSchema, AvroSchemaObject } from '../catalogue.ts';

export interface CompatibilityProblem {
  readonly field: string;
  readonly rule: string;
}

const promotions: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

type Named = Map<string, AvroSchemaObject>;

function qualify(name: string, namespace: string): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** Records every named type of a schema by full name, so references can be followed. */
function indexNames(schema: AvroSchema, namespace: string, named: Named): void {
  if (typeof schema === 'string') return;
  if (Array.isArray(schema)) {
    for (const branch of schema) indexNames(branch, namespace, named);
    return;
  }
  let inner = namespace;
  if (schema.name && ['record', 'error', 'enum', 'fixed'].includes(schema.type as string)) {
    const fullName = qualify(schema.name, schema.namespace ?? namespace);
    named.set(fullName, schema);
    inner = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
  }
  for (const field of schema.fields ?? []) indexNames(field.type, inner, named);
  if (schema.items !== undefined) indexNames(schema.items, namespace, named);
  if (schema.values !== undefined) indexNames(schema.values, namespace, named);
  if (typeof schema.type === 'object') indexNames(schema.type, namespace, named);
}

interface Resolved {
  readonly kind: string;
  readonly schema: AvroSchemaObject | undefined;
  readonly namespace: string;
}

function resolve(schema: AvroSchema, namespace: string, named: Named): Resolved {
  if (typeof schema === 'string') {
    const found = named.get(qualify(schema, namespace)) ?? named.get(schema);
    if (found) return resolve(found, namespace, named);
    return { kind: schema, schema: undefined, namespace };
  }
  if (Array.isArray(schema)) return { kind: 'union', schema: undefined, namespace };
  if (typeof schema.type === 'object' || (typeof schema.type === 'string' && !['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(schema.type))) {
    return resolve(schema.type, namespace, named);
  }
  const fullName = schema.name ? qualify(schema.name, schema.namespace ?? namespace) : '';
  const inner = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : namespace;
  return { kind: schema.type as string, schema, namespace: inner };
}

function label(schema: AvroSchema, namespace: string, named: Named): string {
  const r = resolve(schema, namespace, named);
  if (r.kind === 'union') return `union ${JSON.stringify((schema as AvroSchema[]).map((b) => label(b, namespace, named)))}`;
  return r.schema?.name ? `${r.kind} ${r.schema.name}` : r.kind;
}

interface Side {
  readonly schema: AvroSchema;
  readonly namespace: string;
  readonly named: Named;
}

function matches(reader: Side, writer: Side, path: string, problems: CompatibilityProblem[]): void {
  if (Array.isArray(writer.schema)) {
    // Every branch the old writer could have used must be readable.
    for (const branch of writer.schema) {
      matches(reader, { ...writer, schema: branch }, path, problems);
    }
    return;
  }
  if (Array.isArray(reader.schema)) {
    const anyFits = reader.schema.some((branch) => {
      const trial: CompatibilityProblem[] = [];
      matches({ ...reader, schema: branch }, writer, path, trial);
      return trial.length === 0;
    });
    if (!anyFits) problems.push({ field: path, rule: `no branch of the new union can read the old ${label(writer.schema, writer.namespace, writer.named)}` });
    return;
  }
  const r = resolve(reader.schema, reader.namespace, reader.named);
  const w = resolve(writer.schema, writer.namespace, writer.named);
  if (r.kind !== w.kind) {
    if (promotions[w.kind]?.includes(r.kind)) return;
    problems.push({ field: path, rule: `type changed from ${w.kind} to ${r.kind}, which Avro cannot promote` });
    return;
  }
  switch (r.kind) {
    case 'record': {
      const readerFields = r.schema?.fields ?? [];
      const writerFields = new Map((w.schema?.fields ?? []).map((f) => [f.name, f]));
      for (const field of readerFields) {
        const fieldPath = path ? `${path}.${field.name}` : field.name;
        const aliases = (field.aliases as string[] | undefined) ?? [];
        const old: AvroField | undefined = writerFields.get(field.name) ?? aliases.map((a) => writerFields.get(a)).find(Boolean);
        if (!old) {
          if (!('default' in field)) problems.push({ field: fieldPath, rule: 'field added without a default: events written before it cannot be read' });
          continue;
        }
        matches({ ...reader, schema: field.type, namespace: r.namespace }, { ...writer, schema: old.type, namespace: w.namespace }, fieldPath, problems);
      }
      return;
    }
    case 'enum': {
      const symbols = new Set(r.schema?.symbols ?? []);
      const hasDefault = r.schema !== undefined && 'default' in r.schema;
      for (const symbol of w.schema?.symbols ?? []) {
        if (!symbols.has(symbol) && !hasDefault) problems.push({ field: path, rule: `enum symbol ${symbol} removed and the enum has no default` });
      }
      return;
    }
    case 'fixed':
      if (r.schema?.size !== w.schema?.size) problems.push({ field: path, rule: `fixed size changed from ${String(w.schema?.size)} to ${String(r.schema?.size)}` });
      return;
    case 'array':
      matches({ ...reader, schema: r.schema?.items ?? 'null' }, { ...writer, schema: w.schema?.items ?? 'null' }, `${path}[]`, problems);
      return;
    case 'map':
      matches({ ...reader, schema: r.schema?.values ?? 'null' }, { ...writer, schema: w.schema?.values ?? 'null' }, `${path}{}`, problems);
      return;
    default:
      return;
  }
}

/** Problems that stop `reader` (new) from reading data written with `writer` (old); empty if compatible. */
export function backwardProblems(reader: AvroSchemaObject, writer: AvroSchemaObject): CompatibilityProblem[] {
  const readerNamed: Named = new Map();
  const writerNamed: Named = new Map();
  indexNames(reader, '', readerNamed);
  indexNames(writer, '', writerNamed);
  const readerName = reader.name ? qualify(reader.name, reader.namespace ?? '') : '';
  const writerName = writer.name ? qualify(writer.name, writer.namespace ?? '') : '';
  if (readerName !== writerName) return [{ field: '(record)', rule: `record renamed from ${writerName} to ${readerName}` }];
  const problems: CompatibilityProblem[] = [];
  matches({ schema: reader, namespace: '', named: readerNamed }, { schema: writer, namespace: '', named: writerNamed }, '', problems);
  return problems;
}
