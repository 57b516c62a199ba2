import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { buildEventType, loadCatalogue, type AvroSchemaObject, type Catalogue } from '../catalogue.ts';
import { EventCodec, EventValidationError, type EncodableEvent } from './event-codec.ts';
import { InMemorySchemaRegistry } from '../../test/support/in-memory-schema-registry.ts';
import { InMemoryDataKeyStore } from '../pii/data-key-store.ts';
import { ERASED, PersonalDataProtector, REDACTED, PersonalDataError } from '../pii/personal-data.ts';
import { WireFormatError } from './wire-format.ts';

const catalogue = loadCatalogue();
/** avsc decodes records as instances of generated classes; compare their fields. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function interactionStarted(overrides: Partial<Record<string, unknown>> = {}): EncodableEvent {
  const interactionId = `ix-${randomUUID()}`;
  return {
    type: 'InteractionStarted',
    metadata: {
      eventId: randomUUID(), eventType: 'InteractionStarted', occurredAt: 1_780_000_000_000, recordedAt: 1_780_000_000_005,
      sourceSystem: 'new', interactionId, correlationId: null, causationId: null,
      producer: { component: 'test', version: '1' }, dataSubject: 'customer:C-1001',
    },
    data: { interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: '+8613800138000', dialledNumber: '95588', site: 'shanghai', previousInteractionId: null, ...overrides },
  };
}

describe('event codec', () => {
  let keys: InMemoryDataKeyStore;
  let personalData: PersonalDataProtector;
  let codec: EventCodec;
  beforeEach(() => {
    keys = new InMemoryDataKeyStore();
    personalData = new PersonalDataProtector(keys);
    codec = new EventCodec({ catalogue, registry: new InMemorySchemaRegistry(), personalData });
  });

  describe('when an event is encoded', () => {
    it('writes the Confluent wire format: magic byte 0 and the schema id', async () => {
      const bytes = await codec.encode(interactionStarted());
      expect(bytes[0]).to.equal(0);
      expect(bytes.readInt32BE(1)).to.equal(await codec.schemaIdFor(catalogue.get('InteractionStarted')));
    });

    it('round-trips, with personal fields encrypted in the bytes', async () => {
      const event = interactionStarted();
      const bytes = await codec.encode(event);
      expect(bytes.includes(Buffer.from('+8613800138000'))).to.equal(false);
      const decoded = await codec.decode(bytes);
      expect(decoded.type).to.equal('InteractionStarted');
      expect(plain(decoded.metadata)).to.deep.equal(event.metadata);
      expect((decoded.data as { callerNumber: string }).callerNumber).to.match(/^pii:v1:/);
      const revealed = await personalData.reveal(catalogue.get('InteractionStarted'), decoded);
      expect(plain(revealed.data)).to.deep.include(event.data);
    });

    it('refuses an event that breaks its schema, naming the field and the rule', async () => {
      const bad = interactionStarted({ channel: 'PIGEON' });
      try {
        await codec.encode(bad);
        expect.fail('encoded an invalid event');
      } catch (error) {
        expect(error).to.be.instanceOf(EventValidationError);
        expect((error as EventValidationError).field).to.equal('data.channel');
        expect((error as Error).message).to.contain('InteractionStarted: data.channel: must be one of the symbols VOICE, VIDEO');
      }
    });

    it('refuses personal data without a data subject', async () => {
      const event = interactionStarted();
      const anonymous = { ...event, metadata: { ...event.metadata, dataSubject: null } };
      await codec.encode(anonymous).then(() => expect.fail('encoded'), (error: Error) => {
        expect(error).to.be.instanceOf(PersonalDataError);
        expect(error.message).to.contain('metadata.dataSubject');
      });
    });

    it('derives the partition key from the type\'s key path', () => {
      const event = interactionStarted();
      expect(codec.keyOf(event)).to.equal(event.metadata.interactionId);
    });
  });

  describe('when a subject is erased (crypto-shredding)', () => {
    it('reads its personal fields as erased and redacts for unauthorised readers', async () => {
      const bytes = await codec.encode(interactionStarted());
      await keys.shred('customer:C-1001');
      const decoded = await codec.decode(bytes);
      const definition = catalogue.get('InteractionStarted');
      expect(((await personalData.reveal(definition, decoded)).data as { callerNumber: string }).callerNumber).to.equal(ERASED);
      expect((personalData.redact(definition, decoded).data as { callerNumber: string }).callerNumber).to.equal(REDACTED);
    });
  });

  describe('when bytes are not an event', () => {
    it('rejects an unknown magic byte and a short buffer as non-retriable', async () => {
      for (const bytes of [Buffer.from([1, 0, 0, 0, 1, 2]), Buffer.from([0, 0])]) {
        await codec.decode(bytes).then(() => expect.fail('decoded'), (error: WireFormatError) => expect(error.retriable).to.equal(false));
      }
    });
  });

  describe('when an event was written with an older schema', () => {
    it('reads it with the current schema, filling defaults', async () => {
      const registry = new InMemorySchemaRegistry();
      const current = catalogue.get('InteractionStarted');
      const oldSchema = structuredClone(current.schema) as unknown as { fields: [unknown, { type: { fields: { name: string }[] } }] };
      oldSchema.fields[1].type.fields = oldSchema.fields[1].type.fields.filter((f) => f.name !== 'previousInteractionId');
      const oldDefinition = buildEventType('old.avsc', { ...(oldSchema as unknown as AvroSchemaObject), topic: current.topic, key: current.keyPath }, new Map(), 'interaction');
      const oldCatalogue: Catalogue = { ...catalogue, all: [oldDefinition], get: () => oldDefinition, has: () => true, byFullName: () => oldDefinition };
      const writer = new EventCodec({ catalogue: oldCatalogue, registry });
      const event = interactionStarted();
      const { previousInteractionId: _dropped, ...oldData } = event.data as Record<string, unknown>;
      const bytes = await writer.encode({ ...event, data: { ...oldData, callerNumber: null } });
      const reader = new EventCodec({ catalogue, registry });
      const decoded = await reader.decode(bytes);
      expect((decoded.data as { previousInteractionId: unknown }).previousInteractionId).to.equal(null);
      expect((decoded.data as { site: string }).site).to.equal('shanghai');
    });
  });
});
