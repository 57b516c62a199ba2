// The audit trail and its verification, written once and run on each log adapter
// (replay/audit-verify*.int.spec.ts) with real PostgreSQL: a fraud call with the call processor's
// decisions (written as its runtime writes them) and compliance reads of it; the trail projected
// live equals the trail a rebuild produces; then the tampering an auditor must catch: a trail row
// edited (bypassing the append-only trigger as a superuser can), a trail row deleted, an altered
// copy of a sealed event appended to the log (what a re-drive with changed bytes does: the only
// way to change what Kafka serves), and — on the embedded log, where a record's bytes can be
// changed in place — bytes of a logged event changed after the interaction was sealed.
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { EmbeddedSchemaRegistry } from '../log/embedded/embedded-schema-registry.ts';
import type { AppendRecord, LogRecord } from '../log/port.ts';
import { auditTrailReadModel } from '../projections/audit-trail/audit-trail.read-model.ts';
import { startProjections } from '../projections/runtime/live.ts';
import { rebuild } from '../projections/runtime/rebuild.ts';
import { quoteIdent } from '../projections/runtime/table-writer.ts';
import { freshNames, openTestLedger, projectionsCaughtUp, REGISTRY_URL, type LogKind, type TestLedger } from '../projections/testing/int-support.ts';
import { catalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { InMemoryDataKeyStore } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { ConfluentSchemaRegistry } from '../schemas/registry/confluent-registry.ts';
import { outputRecords } from '../streams/runtime/run-processor.ts';
import { callProcessorReplays, callProcessorVersion } from '../streams/risk/call-processor.ts';
import { CallBuilder, fixtureUuid } from '../test/support/call-builder.ts';
import { testDatabaseUrl } from '../test/support/test-database.ts';
import { describeReport, verifyAudit, type AuditVerifySources } from './audit-verify.ts';
import { PostgresSealStore, sealInteraction, TimelineBuilder } from './timeline.ts';

async function waitFor(what: string, condition: () => Promise<boolean>, deadlineMs = 120_000): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function defineAuditVerifySpecs(kind: LogKind): void {
  describe(`audit trail verification (${kind} log)`, function () {
    this.timeout(180_000);
    let ledger: TestLedger;
    let pool: pg.Pool;
    let codec: EventCodec;
    let seals: PostgresSealStore;
    let sources: AuditVerifySources;
    const sealSchema = `av_${randomBytes(4).toString('hex')}`;
    const fraudCall = fixtureUuid('audit-call-1');
    const quietCall = fixtureUuid('audit-call-2');
    const redrivenCall = fixtureUuid('audit-call-3');

    /** A call with a fraud phrase; its events, then the call processors' decisions, as the runtime appends them. */
    async function record(id: string, customer: string): Promise<void> {
      const c = new CallBuilder({ interactionId: id, dataSubject: `customer:${customer}` });
      c.answered();
      c.customer('有人让我把钱转到安全账户，还要我告诉他验证码');
      c.agent('请不要转账，这是诈骗');
      c.end();
      const events: AnyLedgerEvent[] = c.events;
      const inputs: AppendRecord[] = [];
      for (const event of events) inputs.push({ topic: ledger.topic('ledger.interactions'), key: codec.keyOf(event), value: await codec.encode(event) });
      const results = await ledger.log.append(inputs);
      const processors = callProcessorReplays().map((replay) => ({ ...replay, state: replay.definition.initialState() }));
      const outputs: AppendRecord[] = [];
      for (const [i, event] of events.entries()) {
        const logRecord: LogRecord = { ...results[i], key: inputs[i].key, value: inputs[i].value, headers: {}, timestamp: event.metadata.occurredAt };
        for (const { kind, definition, state } of processors) {
          const decided = definition.decide(event, state, { ...results[i], key: logRecord.key, timestamp: logRecord.timestamp });
          outputs.push(...(await outputRecords(codec, kind.component, callProcessorVersion, event, logRecord, decided, (t) => ledger.topic(t))));
        }
      }
      await ledger.log.append(outputs);
    }

    async function accessed(actorId: string, interactionId: string, customerId: string): Promise<void> {
      const event: AnyLedgerEvent = {
        type: 'DataAccessed',
        metadata: {
          eventId: randomUUID(), eventType: 'DataAccessed', occurredAt: Date.UTC(2026, 10, 26, 3), recordedAt: Date.UTC(2026, 10, 26, 3), sourceSystem: 'new', interactionId,
          correlationId: null, causationId: null, producer: { component: 'api', version: '0.1.0' }, dataSubject: null,
        },
        data: { actorId, role: 'COMPLIANCE', resource: 'GET /v1/compliance/interactions/{interactionId}/timeline', action: 'READ', customerId, interactionId, purpose: 'complaint C-7', outcome: 'ALLOWED', fieldsRevealed: ['TranscriptSegmentRecognized.data.text'], requestId: null },
      } as AnyLedgerEvent;
      await ledger.log.append([{ topic: ledger.topic('ledger.audit'), key: actorId, value: await codec.encode(event) }]);
    }

    const entries = () => `${quoteIdent(ledger.store.readSchema)}.audit_trail_entries`;

    async function currentTable(): Promise<string> {
      const version = (await ledger.store.currentVersions(['audit_trail'])).get('audit_trail') as number;
      return `${quoteIdent(ledger.store.versionSchema('audit_trail', version))}.entries`;
    }

    /** As a superuser can: with triggers off for the session. */
    async function asSuperuser(sql: string, bindings: unknown[]): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('set session_replication_role = replica');
        await client.query(sql, bindings);
      } finally {
        await client.query('reset session_replication_role');
        client.release();
      }
    }

    before(async () => {
      ledger = await openTestLedger(freshNames(kind), [auditTrailReadModel()]);
      pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
      const personalData = new PersonalDataProtector(new InMemoryDataKeyStore());
      const registry = kind === 'embedded' ? new EmbeddedSchemaRegistry(pool, ledger.names.logSchema) : new ConfluentSchemaRegistry(REGISTRY_URL);
      codec = new EventCodec({ catalogue: catalogue(), registry, personalData });
      seals = new PostgresSealStore(pool, sealSchema);
      await seals.migrate();
      const timeline = new TimelineBuilder({
        log: ledger.log, codec, personalData, seals,
        topics: { interactions: ledger.topic('ledger.interactions'), agents: ledger.topic('ledger.agents'), audit: ledger.topic('ledger.audit'), control: ledger.topic('ledger.control'), routingInputs: ledger.topic('ledger.routing.inputs') },
      });
      sources = { knex: ledger.knex, readSchema: ledger.store.readSchema, store: ledger.store, codec, timeline, seals };
      await record(fraudCall, 'C-1001');
      await record(quietCall, 'C-2002');
      await record(redrivenCall, 'C-3003');
      await accessed('officer-1', fraudCall, 'C-1001');
      await accessed('officer-1', fraudCall, 'C-1001');
      await accessed('officer-2', fraudCall, 'C-1001');
    });
    after(async () => {
      await pool?.query(`drop schema if exists "${sealSchema}" cascade`);
      await pool?.end();
      await ledger?.close();
      await ledger?.drop();
    });

    describe('when the trail is projected live and then rebuilt', () => {
      it('holds the same rows and hashes in both versions, and they verify', async () => {
        const live = await startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: `g-${ledger.names.prefix}` });
        try {
          await waitFor('the live trail to catch up', () => projectionsCaughtUp(ledger));
        } finally {
          await live.stop();
        }
        const liveRows = (await ledger.knex.raw(`select * from ${entries()} order by subject, chain, seq`)).rows;
        await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
        expect((await ledger.store.currentVersions(['audit_trail'])).get('audit_trail')).to.equal(2);
        const rebuiltRows = (await ledger.knex.raw(`select * from ${entries()} order by subject, chain, seq`)).rows;
        expect(rebuiltRows).to.deep.equal(liveRows);
        const fraud = liveRows.filter((r: { subject: string }) => r.subject === `interaction:${fraudCall}`);
        expect(fraud.map((r: { chain: string }) => r.chain)).to.include.members(['decisions', 'accesses:officer-1', 'accesses:officer-2']);
        expect(fraud.map((r: { event_type: string }) => r.event_type)).to.include.members(['RiskAlertRaised', 'QaScoreComputed', 'DataAccessed']);

        const report = await verifyAudit(sources, { interactionId: fraudCall });
        expect(report.status, describeReport(report).join('\n')).to.equal('verified');
        expect(report.trail.chains).to.equal(3);
        expect(report.log[0]).to.include({ interactionId: fraudCall, pending: 0 });
        expect(report.log[0].missingRows).to.deep.equal([]);
      });

      it('refuses UPDATE and DELETE on the entries', async () => {
        const table = await currentTable();
        const error = await pool.query(`update ${table} set purpose = 'x'`).then(() => null, (e: Error) => e);
        expect(error?.message).to.match(/append-only: UPDATE refused/);
        const deleted = await pool.query(`delete from ${table}`).then(() => null, (e: Error) => e);
        expect(deleted?.message).to.match(/append-only: DELETE refused/);
      });
    });

    describe('when a column of a trail row is changed in PostgreSQL', () => {
      it('names the row: subject, chain, seq, expected and stored hash', async () => {
        const table = await currentTable();
        const { rows } = await pool.query<{ seq: number; hash: string; event_id: string }>(`select seq, hash, event_id from ${table} where subject = $1 and chain = 'decisions' order by seq`, [`interaction:${quietCall}`]);
        const victim = rows[1];
        await asSuperuser(`update ${table} set policy = '{"ruleId":"lenient","ruleVersion":1}' where subject = $1 and chain = 'decisions' and seq = $2`, [`interaction:${quietCall}`, victim.seq]);
        const report = await verifyAudit(sources, { interactionId: quietCall });
        expect(report.status).to.equal('broken');
        expect(report.trail.breaks).to.have.length(1);
        expect(report.trail.breaks[0]).to.include({ subject: `interaction:${quietCall}`, chain: 'decisions', seq: victim.seq, eventId: victim.event_id, reason: 'content-changed', stored: victim.hash });
        expect(report.trail.breaks[0].expected).to.match(/^[0-9a-f]{64}$/).and.not.equal(victim.hash);
        expect(describeReport(report).join('\n')).to.include(`BROKEN interaction:${quietCall} decisions seq ${victim.seq}`);
        // The other interaction's chains are untouched.
        expect((await verifyAudit(sources, { interactionId: fraudCall })).trail.status).to.equal('verified');
      });
    });

    describe('when the last row of a chain is deleted', () => {
      it('is not in the chain any more, but the log cross-check names the decision that has no row', async () => {
        const table = await currentTable();
        const { rows } = await pool.query<{ seq: number; event_id: string; event_type: string }>(`select seq, event_id, event_type from ${table} where subject = $1 and chain = 'accesses:officer-1' order by seq desc limit 1`, [`interaction:${fraudCall}`]);
        await asSuperuser(`delete from ${table} where subject = $1 and chain = 'accesses:officer-1' and seq = $2`, [`interaction:${fraudCall}`, rows[0].seq]);
        const report = await verifyAudit(sources, { interactionId: fraudCall });
        expect(report.trail.status).to.equal('verified');
        expect(report.status).to.equal('broken');
        expect(report.log[0].missingRows.map((m) => [m.eventId, m.type])).to.deep.equal([[rows[0].event_id, 'DataAccessed']]);
      });
    });

    describe('when the interaction is sealed', () => {
      it('verifies its logged events against the seal', async () => {
        await sealInteraction(sources.timeline, seals, quietCall);
        const report = await verifyAudit(sources, { all: true });
        expect(report.log.map((c) => [c.interactionId, c.seal.status, c.seal.sealedEvents])).to.deep.equal([[quietCall, 'verified', (await sources.timeline.rawChain(quietCall)).length]]);
      });
    });

    describe('when an altered copy of a sealed event is appended to the log after the seal (as a re-drive with changed bytes would)', () => {
      it('names the first sealed position where the interaction\'s chain no longer matches', async () => {
        await sealInteraction(sources.timeline, seals, redrivenCall);
        const chain = await sources.timeline.rawChain(redrivenCall);
        const victim = 2;
        const altered = Buffer.from(chain[victim - 1].value);
        const at = altered.indexOf('pii:v1:') + 12;
        altered[at] = altered[at] === 0x41 ? 0x42 : 0x41;
        await ledger.log.append([{ topic: ledger.topic('ledger.interactions'), key: redrivenCall, value: altered }]);

        // The copy keeps the original's time, so it sorts in among the sealed events: from its place on, the chain differs.
        const copyAt = (await sources.timeline.rawChain(redrivenCall)).findIndex((e) => e.value.equals(altered));
        expect(copyAt).to.be.at.least(victim).and.below(chain.length);
        const report = await verifyAudit(sources, { interactionId: redrivenCall });
        expect(report.status).to.equal('broken');
        expect(report.log[0].seal).to.deep.include({ status: 'altered', firstMismatch: { seq: copyAt + 1, position: chain[copyAt].position, reason: 'missing' } });
      });
    });

    if (kind === 'embedded') describe('when bytes of a logged event are changed after the interaction was sealed', () => {
      it('names the event (position, seq in the sealed chain) through the seal', async () => {
        await sealInteraction(sources.timeline, seals, quietCall);
        const chain = await sources.timeline.rawChain(quietCall);

        const victim = 2; // the second event of the chain (a transcript segment)
        const [topic, partition, offset] = [chain[victim - 1].position.split('/').slice(0, -2).join('/'), Number(chain[victim - 1].position.split('/').at(-2)), Number(chain[victim - 1].position.split('/').at(-1))];
        const events = `"${ledger.names.logSchema}".events`;
        const altered = Buffer.from(chain[victim - 1].value);
        const at = altered.indexOf('pii:v1:') + 12;
        altered[at] = altered[at] === 0x41 ? 0x42 : 0x41;
        await pool.query(`update ${events} set value = $4 where topic = $1 and partition = $2 and "offset" = $3`, [topic, partition, offset, altered]);

        const report = await verifyAudit(sources, { interactionId: quietCall });
        expect(report.status).to.equal('broken');
        expect(report.log[0].seal).to.deep.include({ status: 'altered', firstMismatch: { seq: victim, position: chain[victim - 1].position, reason: 'bytes-changed' } });
        expect(describeReport(report).join('\n')).to.include(`seal altered: event ${victim} at ${chain[victim - 1].position} bytes-changed`);
      });
    });
  });
}
