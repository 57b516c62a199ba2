// Against the real registry (Apicurio Registry's Confluent-compatible API, started by
// `make registry-up`): every event type registers and round-trips, an incompatible change is
// refused, and an independent Avro implementation reads what our codec wrote.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadCatalogue } from '../catalogue.ts';
import { EventCodec } from '../codec/event-codec.ts';
import { allSamples } from '../fixtures/samples.ts';
import { readConfig } from '../../platform/config.ts';
import { ConfluentSchemaRegistry } from './confluent-registry.ts';
import { IncompatibleSchemaError } from './schema-registry.ts';

const require = createRequire(import.meta.url);
// Apache Avro's own JavaScript implementation: a second, independent reader of our bytes. Its
// schema module is loaded directly: the package index also loads a deprecated validator that
// needs an undeclared dependency (underscore).
const apacheAvro = require('avro-js/lib/schemas.js') as { createType(schema: unknown): { fromBuffer(buffer: Buffer): unknown; toBuffer(value: unknown): Buffer } };

const registryUrl = readConfig().registryUrl;
const catalogue = loadCatalogue();

async function registryReachable(): Promise<void> {
  try {
    const response = await fetch(`${registryUrl}/subjects`);
    if (!response.ok) throw new Error(`answered ${response.status}`);
  } catch (error) {
    throw new Error(`schema registry not reachable at ${registryUrl} (${(error as Error).message}); start it with 'make registry-up'`, { cause: error });
  }
}

describe('Confluent-compatible schema registry (Apicurio)', function () {
  this.timeout(120_000);
  before(registryReachable);

  it('registers every event type, and each round-trips through the registry and the wire format', async () => {
    const codec = new EventCodec({ catalogue, registry: new ConfluentSchemaRegistry(registryUrl) });
    await codec.registerAll();
    const fresh = new EventCodec({ catalogue, registry: new ConfluentSchemaRegistry(registryUrl) });
    const samples = allSamples();
    expect(samples.map((s) => s.type).sort()).to.deep.equal(catalogue.all.map((d) => d.type).sort());
    for (const sample of samples) {
      const bytes = await codec.encode(sample);
      const decoded = await fresh.decode(bytes);
      expect(JSON.parse(JSON.stringify({ metadata: decoded.metadata, data: decoded.data })), sample.type).to.deep.equal(JSON.parse(JSON.stringify({ metadata: sample.metadata, data: sample.data })));
    }
  });

  it('makes every subject BACKWARD_TRANSITIVE', async () => {
    const definition = catalogue.get('InteractionStarted');
    await new ConfluentSchemaRegistry(registryUrl).register(definition.subject, JSON.stringify(definition.schema));
    const response = await fetch(`${registryUrl}/config/${encodeURIComponent(definition.subject)}`);
    const body = (await response.json()) as { compatibilityLevel: string };
    expect(body.compatibilityLevel).to.equal('BACKWARD_TRANSITIVE');
  });

  it('refuses an incompatible change (a new field without a default)', async () => {
    const registry = new ConfluentSchemaRegistry(registryUrl);
    const subject = `test.compat-${randomUUID()}-ledger.test.CardLost`;
    const v1 = { type: 'record', name: 'CardLost', namespace: 'ledger.test', fields: [{ name: 'cardLast4', type: 'string' }] };
    await registry.register(subject, JSON.stringify(v1));
    const compatible = { ...v1, fields: [...v1.fields, { name: 'lostAt', type: ['null', 'long'], default: null }] };
    await registry.register(subject, JSON.stringify(compatible));
    const breaking = { ...v1, fields: [...v1.fields, { name: 'branch', type: 'string' }] };
    await registry.register(subject, JSON.stringify(breaking)).then(
      () => expect.fail('the registry accepted a breaking change'),
      (error: Error) => expect(error).to.be.instanceOf(IncompatibleSchemaError),
    );
  });

  it('lets an independent Avro implementation decode our bytes with the registry\'s schema text', async () => {
    const codec = new EventCodec({ catalogue, registry: new ConfluentSchemaRegistry(registryUrl) });
    for (const sample of allSamples()) {
      const bytes = await codec.encode(sample);
      const id = bytes.readInt32BE(1);
      const response = await fetch(`${registryUrl}/schemas/ids/${id}`);
      const { schema } = (await response.json()) as { schema: string };
      const apacheType = apacheAvro.createType(JSON.parse(schema));
      const body = bytes.subarray(5);
      const decoded = apacheType.fromBuffer(body) as { metadata: { eventId: string; eventType: string } };
      expect(decoded.metadata.eventId, sample.type).to.equal(sample.metadata.eventId);
      expect(decoded.metadata.eventType, sample.type).to.equal(sample.type);
      // Re-encoding Apache's reading must give our exact bytes: both implementations agree on every field.
      expect(apacheType.toBuffer(decoded).equals(body), sample.type).to.equal(true);
    }
  });
});
