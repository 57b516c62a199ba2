// Derives a JSON Schema (draft 2020-12 subset that ajv checks) from an event type's Avro schema,
// so events arriving as JSON are held to the same contract as the Avro bytes.
import type { AvroField, AvroSchema, AvroSchemaObject } from '../catalogue.ts';

export type JsonSchema = Record<string, unknown>;

const INT32 = { minimum: -2147483648, maximum: 2147483647 };

function convert(schema: AvroSchema, named: Map<string, JsonSchema>, namespace: string): JsonSchema {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'null': return { type: 'null' };
      case 'boolean': return { type: 'boolean' };
      case 'int': return { type: 'integer', ...INT32 };
      case 'long': return { type: 'integer' };
      case 'float':
      case 'double': return { type: 'number' };
      case 'string': return { type: 'string' };
      case 'bytes': return { type: 'string', contentEncoding: 'base64' };
      default: {
        const qualified = schema.includes('.') ? schema : `${namespace}.${schema}`;
        const found = named.get(qualified) ?? named.get(schema);
        if (!found) throw new Error(`unknown named type ${schema}`);
        return found;
      }
    }
  }
  if (Array.isArray(schema)) {
    const branches = schema.map((branch) => convert(branch, named, namespace));
    return { anyOf: branches };
  }
  const object = schema as AvroSchemaObject;
  const fullName = object.name ? (object.name.includes('.') ? object.name : `${object.namespace ?? namespace}.${object.name}`) : '';
  const ownNamespace = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : namespace;
  switch (object.type) {
    case 'record': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      const result: JsonSchema = { type: 'object', properties, required, additionalProperties: false };
      if (fullName) named.set(fullName, result);
      for (const field of object.fields ?? []) {
        properties[field.name] = fieldSchema(field, named, ownNamespace);
        if (!('default' in field)) required.push(field.name);
      }
      return result;
    }
    case 'enum': {
      const result = { type: 'string', enum: [...(object.symbols ?? [])] };
      if (fullName) named.set(fullName, result);
      return result;
    }
    case 'array': return { type: 'array', items: convert(object.items ?? 'null', named, namespace) };
    case 'map': return { type: 'object', additionalProperties: convert(object.values ?? 'null', named, namespace) };
    case 'fixed': return { type: 'string' };
    default: {
      const base = convert(object.type, named, namespace);
      if (object.logicalType === 'uuid') return { ...base, format: 'uuid' };
      if (object.logicalType === 'timestamp-millis') return { ...base, minimum: 0, description: 'epoch milliseconds' };
      return base;
    }
  }
}

function fieldSchema(field: AvroField, named: Map<string, JsonSchema>, namespace: string): JsonSchema {
  const schema = convert(field.type, named, namespace);
  return field.doc ? { ...schema, description: field.doc } : schema;
}

/** JSON Schema of the whole event `{ type, metadata, data }`. */
export function eventJsonSchema(type: string, avroSchema: AvroSchemaObject): JsonSchema {
  const record = convert(avroSchema, new Map(), '') as { properties: Record<string, JsonSchema>; required: string[] };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: type,
    type: 'object',
    properties: { type: { const: type }, ...record.properties },
    required: ['type', ...record.required],
    additionalProperties: false,
  };
}
