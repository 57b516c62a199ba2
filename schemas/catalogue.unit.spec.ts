import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { catalogue, defaultSchemaDir } from './catalogue.ts';
import type { AvroField, AvroSchema, AvroSchemaObject, EventTypeDefinition } from './catalogue.ts';
import { generatedFiles, repoRoot } from './tools/generate.ts';

const areaTopics: Readonly<Record<string, string>> = {
  interaction: 'ledger.interactions',
  agent: 'ledger.agents',
  control: 'ledger.control',
  outbound: 'ledger.outbound',
  audit: 'ledger.audit',
  routing: 'ledger.routing.inputs',
};

const isObject = (schema: AvroSchema): schema is AvroSchemaObject => typeof schema === 'object' && !Array.isArray(schema);

/** Calls visit for every field of every record in the schema, with its dotted path. */
function eachField(schema: AvroSchema, path: string, visit: (field: AvroField, path: string) => void): void {
  if (Array.isArray(schema)) {
    for (const branch of schema) eachField(branch, path, visit);
  } else if (isObject(schema)) {
    if (schema.type === 'record') {
      for (const field of schema.fields ?? []) {
        const fieldPath = path ? `${path}.${field.name}` : field.name;
        visit(field, fieldPath);
        eachField(field.type, fieldPath, visit);
      }
    } else if (schema.type === 'array' && schema.items !== undefined) eachField(schema.items, `${path}[]`, visit);
    else if (schema.type === 'map' && schema.values !== undefined) eachField(schema.values, `${path}{}`, visit);
  }
}

function fieldAt(event: EventTypeDefinition, dotted: string): AvroField | undefined {
  let record: AvroSchemaObject | undefined = event.schema;
  let found: AvroField | undefined;
  for (const name of dotted.split('.')) {
    found = record?.fields?.find((field) => field.name === name);
    if (!found) return undefined;
    record = isObject(found.type) && found.type.type === 'record' ? found.type : undefined;
  }
  return found;
}

const isString = (type: AvroSchema): boolean => type === 'string' || (isObject(type) && type.type === 'string');

describe('event catalogue', function () {
  const cat = catalogue();

  it('loads every .avsc event file as an event type', function () {
    const files = Object.keys(areaTopics).flatMap((area) => {
      const dir = join(defaultSchemaDir, area);
      return readdirSync(dir).filter((name) => name.endsWith('.avsc')).map((name) => `${area}/${name}`);
    });
    expect(cat.all.map((event) => event.file).sort()).to.deep.equal(files.sort());
    expect(cat.all.length).to.be.greaterThanOrEqual(50);
    for (const event of cat.all) {
      expect(event.file, event.type).to.equal(`${event.area}/${event.type}.avsc`);
      expect(event.fullName, event.type).to.equal(`ledger.${event.area}.${event.type}`);
      expect(event.doc, `${event.type} needs a doc`).to.not.equal('');
      expect(event.avroType.name, event.type).to.equal(event.fullName);
    }
  });

  it('puts each area on its topic', function () {
    for (const event of cat.all) expect(event.topic, event.type).to.equal(areaTopics[event.area]);
    expect(cat.topics).to.deep.equal(Object.values(areaTopics).sort());
  });

  it('names the data record <EventType>Data', function () {
    for (const event of cat.all) {
      const data = fieldAt(event, 'data');
      expect(data && isObject(data.type) ? data.type.name : undefined, event.type).to.equal(`${event.type}Data`);
    }
  });

  it('keys every event type by a string field', function () {
    for (const event of cat.all) {
      const field = fieldAt(event, event.keyPath);
      expect(field, `${event.type}: key ${event.keyPath} is not a field`).to.not.equal(undefined);
      const type = (field as AvroField).type;
      const ok = isString(type) || (event.keyPath === 'metadata.interactionId' && Array.isArray(type) && type.some(isString));
      expect(ok, `${event.type}: key ${event.keyPath} must be a string`).to.equal(true);
    }
  });

  it('keys interaction events by interaction id, agent events by agent id, control by policy id', function () {
    const expected: Readonly<Record<string, string>> = {
      'ledger.interactions': 'metadata.interactionId',
      'ledger.agents': 'data.agentId',
      'ledger.outbound': 'data.campaignId',
      'ledger.audit': 'data.actorId',
      'ledger.routing.inputs': 'data.site',
    };
    for (const event of cat.all) {
      if (event.topic === 'ledger.control') {
        expect(event.keyPath, event.type).to.equal(event.type === 'SystemModeChanged' ? 'data.scope' : 'data.policyId');
      } else expect(event.keyPath, event.type).to.equal(expected[event.topic]);
    }
  });

  it('marks only strings as personal, and marks the known personal fields', function () {
    for (const event of cat.all) {
      eachField(event.schema, '', (field, path) => {
        if (field.pii === undefined) return;
        expect(field.pii, `${event.type}: ${path}: pii must be true when present`).to.equal(true);
        const type = field.type;
        const ok = isString(type) || (Array.isArray(type) && type.every((b) => b === 'null' || isString(b)) && type.some(isString));
        expect(ok, `${event.type}: ${path}: only strings may be personal`).to.equal(true);
      });
    }
    const pii = (type: string): readonly string[] => cat.get(type).piiPaths;
    expect(pii('InteractionStarted')).to.include('data.callerNumber');
    expect(pii('TranscriptSegmentRecognized')).to.include('data.text');
    expect(pii('WrapUpCompleted')).to.include('data.ticketFields[].value');
    // Question categories are codes of a taxonomy, never the customer's words: in clear (docs/security.md).
    expect(pii('SummaryGenerated')).to.deep.equal(['data.summary']);
    expect(pii('ContactScheduled')).to.include('data.phoneNumber');
    expect(pii('CustomerIdentified')).to.include('data.customerName');
    expect(pii('CustomerIdentified')).to.not.include('data.customerId');
  });

  it('has unique subjects (topic-record strategy) and full names', function () {
    const subjects = cat.all.map((event) => event.subject);
    expect(new Set(subjects).size).to.equal(subjects.length);
    for (const event of cat.all) expect(event.subject).to.equal(`${event.topic}-${event.fullName}`);
    expect(new Set(cat.all.map((event) => event.fullName)).size).to.equal(cat.all.length);
  });

  it('is evolution-friendly: optional fields default to null, enums have a default', function () {
    for (const event of cat.all) {
      eachField(event.schema, '', (field, path) => {
        if (Array.isArray(field.type) && field.type[0] === 'null') {
          expect(field.default, `${event.type}: ${path}: an optional field defaults to null`).to.equal(null);
        }
      });
      const enums: AvroSchemaObject[] = [];
      const walk = (schema: AvroSchema): void => {
        if (Array.isArray(schema)) schema.forEach(walk);
        else if (isObject(schema)) {
          if (schema.type === 'enum') enums.push(schema);
          for (const field of schema.fields ?? []) walk(field.type);
          if (schema.items !== undefined) walk(schema.items);
          if (isObject(schema.type) || Array.isArray(schema.type)) walk(schema.type);
        }
      };
      walk(event.schema);
      for (const e of enums) expect(e.symbols, `${event.type}: enum ${e.name} needs a default symbol`).to.include(e.default);
    }
  });

  it('keeps shared types in numbered common files that only reference earlier ones', function () {
    const dir = join(defaultSchemaDir, 'common');
    const defined = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.avsc')).sort()) {
      expect(file, 'common files are named NN-Name.avsc').to.match(/^\d{2}-[A-Z][A-Za-z]+\.avsc$/);
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as AvroSchemaObject;
      expect(schema.namespace, file).to.equal('ledger');
      const references: string[] = [];
      const walk = (node: AvroSchema): void => {
        if (typeof node === 'string') {
          if (node.startsWith('ledger.')) references.push(node);
        } else if (Array.isArray(node)) node.forEach(walk);
        else {
          for (const field of node.fields ?? []) walk(field.type);
          if (node.items !== undefined) walk(node.items);
          if (node.values !== undefined) walk(node.values);
        }
      };
      walk(schema);
      for (const reference of references) expect(defined.has(reference), `${file} references ${reference}, not defined in an earlier common file`).to.equal(true);
      defined.add(`ledger.${schema.name ?? ''}`);
    }
  });

  it('keeps the generated types and docs up to date', function () {
    for (const [path, expected] of Object.entries(generatedFiles(cat))) {
      const file = join(repoRoot, path);
      const actual = existsSync(file) ? readFileSync(file, 'utf8') : '';
      expect(actual === expected, `${path} is out of date with schemas/avro: run \`npm run schemas:generate\` and commit the result`).to.equal(true);
    }
  });
});
