// The queue_log importer on the embedded log (real PostgreSQL): the FreePBX fixture's published
// counts, the bank sample's KPIs (hand-computed, and by the independent raw-file script) through
// the wallboard projection, rejected lines, encrypted caller numbers, idempotent re-import, and
// resume after an append failure.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { catalogue } from '../../../schemas/catalogue.ts';
import { EventCodec, type DecodedEvent } from '../../../schemas/codec/event-codec.ts';
import { MasterKey } from '../../../schemas/pii/data-key-store.ts';
import { PostgresDataKeyStore } from '../../../schemas/pii/postgres-data-key-store.ts';
import { PersonalDataProtector } from '../../../schemas/pii/personal-data.ts';
import { EmbeddedSchemaRegistry } from '../../../log/embedded/embedded-schema-registry.ts';
import type { LogRecord } from '../../../log/port.ts';
import { testDatabaseUrl } from '../../../test/support/test-database.ts';
import { freshNames, openTestLedger, type TestLedger } from '../../../projections/testing/int-support.ts';
import { rebuild } from '../../../projections/runtime/rebuild.ts';
import { wallboard } from '../../../projections/wallboard/wallboard.queries.ts';
import { PostgresCheckpointStore } from '../runtime/checkpoints.ts';
import { logSink, type EventSink } from '../runtime/event-sink.ts';
import { legacyCallerSubject } from '../legacy-events.ts';
import { importQueueLog } from './import-queue-log.ts';
import { NO_EXIT_LINE } from './queue-log.decider.ts';
import { rawFigures, rawQueueLogKpis } from './testing/raw-queue-log-kpis.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const FREEPBX = fixture('freepbx-2010-02-22.queue_log');
const SAMPLE = fixture('bank-sample.queue_log');

describe('queue_log importer (embedded log)', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let pool: pg.Pool;
  let codec: EventCodec;
  let checkpoints: PostgresCheckpointStore;
  const schema = `imp_${randomBytes(4).toString('hex')}`;

  before(async () => {
    ledger = await openTestLedger(freshNames('embedded'));
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
    const keys = new PostgresDataKeyStore({ pool, masterKey: new MasterKey(randomBytes(32)), schema });
    await keys.migrate();
    const table = new EmbeddedSchemaRegistry(pool, ledger.names.logSchema);
    codec = new EventCodec({ catalogue: catalogue(), registry: { register: (s, t) => table.register(s, t), schemaText: (id) => table.schemaText(id) }, personalData: new PersonalDataProtector(keys) });
    checkpoints = new PostgresCheckpointStore(pool, schema);
    await checkpoints.migrate();
  });
  after(async () => {
    await pool?.query(`drop schema if exists "${schema}" cascade`);
    await pool?.end();
    await ledger?.close();
    await ledger?.drop();
  });

  const sink = (): EventSink => logSink({ log: ledger.log, codec, topicOf: ledger.topic });

  async function records(topic: string): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    for await (const batch of ledger.log.readRange({ topic: ledger.topic(topic) })) out.push(...batch);
    return out;
  }
  async function eventsOf(source: string): Promise<DecodedEvent[]> {
    const all: DecodedEvent[] = [];
    for (const topic of ['ledger.interactions', 'ledger.agents']) {
      for (const record of await records(topic)) {
        const event = await ledger.codec.decode(record.value);
        if (event.metadata.sourceSystem === `legacy:${source}`) all.push(event);
      }
    }
    return all;
  }
  const count = (events: readonly DecodedEvent[], type: string, where: (e: DecodedEvent) => boolean = () => true) => events.filter((e) => e.type === type && where(e)).length;
  const data = (e: DecodedEvent) => e.data as Record<string, unknown>;

  describe('the FreePBX 2010-02-22 fixture', () => {
    let events: DecodedEvent[];
    before(async () => {
      const report = await importQueueLog({ file: FREEPBX, settings: { source: 'freepbx' }, sink: sink(), checkpoints });
      expect(report).to.include({ lines: 278, rejected: 0, ignored: 9, alreadyImported: 0 });
      events = await eventsOf('freepbx');
      expect(events.length).to.equal(report.appended);
    });

    it('has the published counts: 21 calls, 8 answered (6 COMPLETEAGENT, 1 COMPLETECALLER, 1 talking at the end), 12 abandoned, 1 waiting at the end, 221 ring-no-answers', () => {
      expect(count(events, 'InteractionStarted')).to.equal(21);
      expect(count(events, 'QueueEntered', (e) => data(e).queueId === '9000')).to.equal(21);
      expect(count(events, 'InteractionAnswered')).to.equal(8);
      expect(count(events, 'InteractionAbandoned')).to.equal(12);
      expect(count(events, 'OfferTimedOut')).to.equal(221);
      expect(count(events, 'InteractionEnded')).to.equal(21);
      expect(count(events, 'InteractionEnded', (e) => data(e).endedBy === 'AGENT')).to.equal(6);
      expect(count(events, 'InteractionEnded', (e) => data(e).endedBy === 'CUSTOMER' && data(e).agentId !== null)).to.equal(1);
      const unclosed = events.filter((e) => e.type === 'InteractionEnded' && data(e).releaseCause === NO_EXIT_LINE);
      expect(unclosed.map((e) => (data(e).agentId === null ? 'waiting' : 'talking')).sort()).to.deep.equal(['talking', 'waiting']);
      // Closed at the file's last time, 2010-02-22 11:56 UTC.
      expect(new Set(unclosed.map((e) => new Date(e.metadata.occurredAt).toISOString().slice(0, 16)))).to.deep.equal(new Set(['2010-02-22T11:56']));
    });

    it('appends nothing when the same file is imported again', async () => {
      const before = (await records('ledger.interactions')).length;
      const again = await importQueueLog({ file: FREEPBX, settings: { source: 'freepbx' }, sink: sink(), checkpoints });
      expect(again).to.include({ appended: 0, alreadyImported: 278 });
      expect((await records('ledger.interactions')).length).to.equal(before);
    });
  });

  describe('the bank sample (transfers, ring-no-answers, abandons, exits, no exit lines)', () => {
    const rejected: [number, string][] = [];
    let events: DecodedEvent[];
    before(async () => {
      await importQueueLog({ file: SAMPLE, settings: { source: 'sample' }, sink: sink(), checkpoints, batchSize: 7, onRejected: (n, reason) => rejected.push([n, reason]) });
      events = await eventsOf('sample');
    });

    it('reports the rejected lines with their numbers and reasons, and imports the rest', () => {
      expect(rejected).to.deep.equal([
        [20, "expected at least 5 '|'-separated fields (epoch|callid|queue|agent|event), got 2"],
        [29, 'CONNECT: call 1767220000.99 has no open queue visit (no ENTERQUEUE before, or it already ended)'],
      ]);
      expect(count(events, 'InteractionStarted')).to.equal(10);
      expect(count(events, 'InteractionTransferred', (e) => data(e).targetKind === 'QUEUE' && data(e).targetQueueId === 'loans')).to.equal(1);
      expect(count(events, 'InteractionTransferred', (e) => data(e).targetKind === 'OTHER')).to.equal(1);
    });

    it('encrypts caller numbers in the log under the legacy-caller data subject', async () => {
      const raw = (await records('ledger.interactions')).map((r) => r.value.toString('latin1')).join('');
      expect(raw).to.not.include('8613800000001');
      const started = events.filter((e) => e.type === 'InteractionStarted' && e.metadata.dataSubject === legacyCallerSubject('+8613800000001'));
      expect(started).to.have.length(2); // the same caller twice: one data subject
      expect(String(data(started[0]).callerNumber)).to.match(/^pii:v1:/);
    });

    it('gives the wallboard the KPIs per queue computed by hand and by the independent raw-file script', async () => {
      await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models.filter((m) => m.name === 'wallboard') });
      const rows = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'total', by: ['queue', 'source'] });
      const actual = Object.fromEntries(rows.filter((r) => r.source === 'legacy:sample').map((r) => [r.queue, {
        offered: r.figures.offered, answered: r.figures.answered, abandoned: r.figures.abandoned, averageSpeedOfAnswerMs: r.figures.averageSpeedOfAnswerMs,
        serviceLevel: r.figures.serviceLevel, averageHandleTimeMs: r.figures.averageHandleTimeMs,
      }]));
      const byHand = {
        // c1 10 s/120 s talk, c2 abandon 30 s, c3 25 s/60 s then transferred, c6 exits empty, c7 abandon 8 s, c8 abandon 3 s (short), c9 15 s/60 s blind transfer, c10 18 s/182 s open at the end
        cards: { offered: 8, answered: 4, abandoned: 3, averageSpeedOfAnswerMs: 17_000, serviceLevel: 3 / 6, averageHandleTimeMs: 105_500 },
        // c3's second visit 8 s/90 s, c5 exits on time-out, c6's overflow visit 5 s/50 s, c11 waiting at the end
        loans: { offered: 4, answered: 2, abandoned: 0, averageSpeedOfAnswerMs: 6_500, serviceLevel: 1, averageHandleTimeMs: 70_000 },
      };
      expect(actual).to.deep.equal(byHand);
      const script = Object.fromEntries([...rawQueueLogKpis(SAMPLE)].map(([queue, k]) => [queue, rawFigures(k)]));
      expect(script).to.deep.equal(byHand);
      const cards = rows.find((r) => r.queue === 'cards' && r.source === 'legacy:sample')!;
      expect(cards.counters).to.include({ exited: 1, short_abandoned: 1, ring_no_answer: 2, transfers: 2 });
    });

    it('and the FreePBX day through the wallboard matches the raw-file script', async () => {
      const rows = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'total', by: ['queue', 'source'] });
      const row = rows.find((r) => r.source === 'legacy:freepbx' && r.queue === '9000')!;
      const script = rawFigures(rawQueueLogKpis(FREEPBX).get('9000')!);
      expect({
        offered: row.figures.offered, answered: row.figures.answered, abandoned: row.figures.abandoned, averageSpeedOfAnswerMs: row.figures.averageSpeedOfAnswerMs,
        serviceLevel: row.figures.serviceLevel, averageHandleTimeMs: row.figures.averageHandleTimeMs,
      }).to.deep.equal(script);
      expect(row.counters.ring_no_answer).to.equal(221);
    });
  });

  describe('when an append fails part-way', () => {
    it('a second run resumes after the last committed batch and the log ends with every event exactly once', async () => {
      let writes = 0;
      const real = sink();
      const failing: EventSink = {
        prepare: (events) => real.prepare(events),
        async write(records) {
          if (++writes === 4) throw new Error('broker went away');
          await real.write(records);
        },
      };
      const source = 'resume';
      let error: Error | undefined;
      await importQueueLog({ file: FREEPBX, settings: { source }, sink: failing, checkpoints, batchSize: 50 }).catch((e: Error) => (error = e));
      expect(error?.message).to.equal('broker went away');
      const partial = await eventsOf(source);
      expect(partial.length).to.be.above(0);
      const resumed = await importQueueLog({ file: FREEPBX, settings: { source }, sink: sink(), checkpoints, batchSize: 50 });
      expect(resumed.alreadyImported).to.be.above(0);
      const all = await eventsOf(source);
      const ids = all.map((e) => e.metadata.eventId);
      expect(new Set(ids).size).to.equal(ids.length);
      const clean = await eventsOf('freepbx');
      expect(ids.length).to.equal(clean.length);
      expect(all.map((e) => [e.type, e.metadata.occurredAt, e.metadata.interactionId === null])).to.have.deep.members(clean.map((e) => [e.type, e.metadata.occurredAt, e.metadata.interactionId === null]));
    });
  });
});
