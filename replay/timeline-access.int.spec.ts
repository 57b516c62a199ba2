// Reading a timeline from the command line is audited: the `call-ledger timeline` process appends
// a DataAccessed (operator, role, interaction, fields revealed, purpose) to the audit topic of a
// real embedded log before printing, and the audit trail chains it under the interaction.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { EmbeddedLog } from '../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../log/embedded/embedded-schema-registry.ts';
import { auditTrailReadModel } from '../projections/audit-trail/audit-trail.read-model.ts';
import { rebuild } from '../projections/runtime/rebuild.ts';
import { freshNames, openTestLedger, type TestLedger } from '../projections/testing/int-support.ts';
import { catalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import type { LedgerEvent } from '../schemas/generated/events.ts';
import { InMemoryDataKeyStore } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { CallBuilder, fixtureUuid } from '../test/support/call-builder.ts';
import { testDatabaseUrl } from '../test/support/test-database.ts';
import { recordTimelineAccess } from './timeline-access.ts';
import { TimelineBuilder } from './timeline.ts';

const cli = fileURLToPath(new URL('../cli/call-ledger.ts', import.meta.url));

async function accesses(log: EmbeddedLog, codec: EventCodec, topic: string): Promise<LedgerEvent<'DataAccessed'>[]> {
  const out: LedgerEvent<'DataAccessed'>[] = [];
  for await (const batch of log.readRange({ topic })) for (const record of batch) out.push((await codec.decode(record.value)) as unknown as LedgerEvent<'DataAccessed'>);
  return out;
}

describe('timeline reads on the command line', function () {
  this.timeout(180_000);

  describe('when an operator runs `call-ledger timeline`', () => {
    const schema = `tla_${randomBytes(4).toString('hex')}`;
    let pool: pg.Pool;
    after(async () => {
      await pool?.query(`drop schema if exists "${schema}" cascade`);
      for (const suffix of ['read', 'catalog']) await pool?.query(`drop schema if exists "p${schema}_${suffix}" cascade`);
      await pool?.end();
    });

    it('appends a DataAccessed naming the operator, the role, the interaction and the purpose', async () => {
      const env = { ...process.env, LEDGER_LOG: 'embedded', LEDGER_DATABASE_URL: testDatabaseUrl(), LEDGER_DB_SCHEMA: schema, LEDGER_PROJECTIONS_PREFIX: `p${schema}`, LEDGER_MASTER_KEY: randomBytes(32).toString('base64'), LEDGER_LOG_LEVEL: 'error' };
      const { stdout } = await promisify(execFile)('npx', ['node', cli, 'timeline', '--interaction', 'ix-cli-1', '--role', 'compliance', '--actor', 'officer-9', '--purpose', 'complaint C-42'], { env, cwd: fileURLToPath(new URL('..', import.meta.url)) });
      expect(JSON.parse(stdout)).to.include({ interactionId: 'ix-cli-1', role: 'compliance' });
      pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
      const log = await EmbeddedLog.open({ connectionString: testDatabaseUrl(), schema });
      try {
        const codec = new EventCodec({ catalogue: catalogue(), registry: new EmbeddedSchemaRegistry(pool, schema) });
        const audit = await accesses(log, codec, 'ledger.audit');
        expect(audit.map((e) => ({ ...e.data, fieldsRevealed: [...e.data.fieldsRevealed] }))).to.deep.equal([{
          actorId: 'officer-9', role: 'COMPLIANCE', resource: 'call-ledger timeline', action: 'READ', customerId: null, interactionId: 'ix-cli-1',
          purpose: 'complaint C-42', outcome: 'ALLOWED', fieldsRevealed: [], requestId: null,
        }]);
        expect(audit[0].metadata).to.include({ interactionId: 'ix-cli-1' });
      } finally {
        await log.close();
      }
    });
  });

  describe('when a compliance officer reads a call with personal data', () => {
    let ledger: TestLedger;
    let pool: pg.Pool;
    before(async () => {
      ledger = await openTestLedger(freshNames('embedded'), [auditTrailReadModel()]);
      pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    });
    after(async () => {
      await pool?.end();
      await ledger?.close();
      await ledger?.drop();
    });

    it('names the personal fields revealed, and the audit trail chains the read under the interaction', async () => {
      const personalData = new PersonalDataProtector(new InMemoryDataKeyStore());
      const codec = new EventCodec({ catalogue: catalogue(), registry: new EmbeddedSchemaRegistry(pool, ledger.names.logSchema), personalData });
      const interactionId = fixtureUuid('timeline-access-1');
      const call = new CallBuilder({ interactionId, dataSubject: 'customer:C-77' });
      call.answered();
      call.customer('我的卡丢了');
      call.end();
      await ledger.log.append(await Promise.all(call.events.map(async (e) => ({ topic: ledger.topic('ledger.interactions'), key: interactionId, value: await codec.encode(e) }))));
      const topics = { interactions: ledger.topic('ledger.interactions'), agents: ledger.topic('ledger.agents'), audit: ledger.topic('ledger.audit'), control: ledger.topic('ledger.control'), routingInputs: ledger.topic('ledger.routing.inputs') };
      const builder = new TimelineBuilder({ log: ledger.log, codec, personalData, topics });
      const compliance = await builder.build(interactionId, 'compliance');
      const analyst = await builder.build(interactionId, 'analyst');
      await recordTimelineAccess(ledger.log, codec, { actorId: 'officer-3', purpose: 'complaint C-9', action: 'EXPORT' }, [compliance, analyst], Date.UTC(2026, 10, 26, 6), topics.audit);

      const records = [];
      for await (const batch of ledger.log.readRange({ topic: topics.audit })) records.push(...batch);
      const read = await Promise.all(records.map(async (r) => (await codec.decode(r.value)).data as LedgerEvent<'DataAccessed'>['data']));
      expect(read.map((d) => [d.role, d.action, d.fieldsRevealed])).to.deep.equal([
        ['COMPLIANCE', 'EXPORT', ['TranscriptSegmentRecognized.data.text']],
        ['ANALYST', 'EXPORT', []],
      ]);

      await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
      const { rows } = await ledger.knex.raw(`select chain, seq, actor, purpose from "${ledger.store.readSchema}".audit_trail_entries where subject = ? order by chain, seq`, [`interaction:${interactionId}`]);
      expect(rows).to.deep.equal([{ chain: 'accesses:officer-3', seq: 1, actor: 'officer-3', purpose: 'complaint C-9' }, { chain: 'accesses:officer-3', seq: 2, actor: 'officer-3', purpose: 'complaint C-9' }]);
    });
  });
});
