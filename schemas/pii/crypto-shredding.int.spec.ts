// Crypto-shredding on a real log: personal fields written for two customers, one customer's key
// deleted, every copy of their personal data in the log becomes unreadable; the other's stays.
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadCatalogue } from '../catalogue.ts';
import { EventCodec, type EncodableEvent } from '../codec/event-codec.ts';
import { EmbeddedLog } from '../../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { MasterKey } from './data-key-store.ts';
import { PostgresDataKeyStore } from './postgres-data-key-store.ts';
import { ERASED, PersonalDataProtector } from './personal-data.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';

const catalogue = loadCatalogue();

function transcript(customer: string, text: string): EncodableEvent {
  const interactionId = `ix-${randomUUID()}`;
  return {
    type: 'InteractionStarted',
    metadata: {
      eventId: randomUUID(), eventType: 'InteractionStarted', occurredAt: 1_780_000_000_000, recordedAt: 1_780_000_000_001, sourceSystem: 'new',
      interactionId, correlationId: null, causationId: null, producer: { component: 'test', version: '1' }, dataSubject: `customer:${customer}`,
    },
    data: { interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: text, dialledNumber: '95588', site: 'shanghai', previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null },
  };
}

describe('crypto-shredding', function () {
  this.timeout(60_000);
  const schema = `t_shred_${randomBytes(4).toString('hex')}`;
  let log: EmbeddedLog;
  let pool: pg.Pool;
  const masterKey = new MasterKey(randomBytes(32));

  before(async () => {
    log = await EmbeddedLog.open({ connectionString: testDatabaseUrl(), schema });
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  });
  after(async () => {
    await log.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('makes an erased customer\'s personal fields unreadable in old log records, and only theirs', async () => {
    const keys = new PostgresDataKeyStore({ pool, masterKey, schema });
    await keys.migrate();
    const registry = new EmbeddedSchemaRegistry(pool, schema);
    const codec = new EventCodec({ catalogue, registry, personalData: new PersonalDataProtector(keys) });
    const erased = transcript('C-ERASE', '+8613900000001');
    const kept = transcript('C-KEEP', '+8613900000002');
    const topic = `shred-${randomUUID()}`;
    await log.append(await Promise.all([erased, kept].map(async (e) => ({ topic, key: codec.keyOf(e), value: await codec.encode(e) }))));

    await keys.shred('customer:C-ERASE');

    // A reader in another process: a fresh key store (no cache) over the same tables.
    const reader = new PersonalDataProtector(new PostgresDataKeyStore({ pool, masterKey, schema }));
    const seen = new Map<string, string>();
    for await (const batch of log.readRange({ topic })) {
      for (const record of batch) {
        expect(record.value.includes(Buffer.from('+86139'))).to.equal(false);
        const decoded = await codec.decode(record.value);
        const revealed = await reader.reveal(catalogue.get(decoded.type), decoded);
        seen.set(decoded.metadata.dataSubject ?? '', (revealed.data as { callerNumber: string }).callerNumber);
      }
    }
    expect(Object.fromEntries(seen)).to.deep.equal({ 'customer:C-ERASE': ERASED, 'customer:C-KEEP': '+8613900000002' });
  });

  it('refuses new personal data for an erased customer', async () => {
    const keys = new PostgresDataKeyStore({ pool, masterKey, schema });
    await keys.migrate();
    await keys.shred('customer:C-GONE');
    await keys.keyFor('customer:C-GONE').then(() => expect.fail('created a key for an erased subject'), (error: Error) => expect(error.name).to.equal('ShreddedSubjectError'));
  });
});
