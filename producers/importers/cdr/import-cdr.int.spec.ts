// The CDR importer on the embedded log: the generic export with sentinel times, value maps,
// exclusions and bad rows; KPIs through the wallboard against hand-computed figures; idempotent
// re-import; malformed CSV rejected with its line.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DecodedEvent } from '../../../schemas/codec/event-codec.ts';
import { testDatabaseUrl } from '../../../test/support/test-database.ts';
import { freshNames, openTestLedger, type TestLedger } from '../../../projections/testing/int-support.ts';
import { rebuild } from '../../../projections/runtime/rebuild.ts';
import { wallboard } from '../../../projections/wallboard/wallboard.queries.ts';
import { PostgresCheckpointStore } from '../runtime/checkpoints.ts';
import { logSink } from '../runtime/event-sink.ts';
import { importCdr, loadCdrMapping } from './import-cdr.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const CSV = fixture('generic-export.csv');
const MAPPING = fixture('generic-export.mapping.json');

describe('CDR importer (embedded log)', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let pool: pg.Pool;
  let checkpoints: PostgresCheckpointStore;
  const schema = `imp_${randomBytes(4).toString('hex')}`;
  const rejected: [number, string][] = [];
  let report: Awaited<ReturnType<typeof importCdr>>;

  before(async () => {
    ledger = await openTestLedger(freshNames('embedded'));
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    checkpoints = new PostgresCheckpointStore(pool, schema);
    await checkpoints.migrate();
    report = await importCdr({
      file: CSV, mapping: await loadCdrMapping(MAPPING), source: 'generic', sink: logSink({ log: ledger.log, codec: ledger.codec, topicOf: ledger.topic }), checkpoints,
      onRejected: (line, reason) => rejected.push([line, reason]),
    });
  });
  after(async () => {
    await pool?.query(`drop schema if exists "${schema}" cascade`);
    await pool?.end();
    await ledger?.close();
    await ledger?.drop();
  });

  async function events(): Promise<DecodedEvent[]> {
    const out: DecodedEvent[] = [];
    for await (const batch of ledger.log.readRange({ topic: ledger.topic('ledger.interactions') })) for (const r of batch) out.push(await ledger.codec.decode(r.value));
    return out;
  }

  it('imports 7 calls, excludes the test call and rejects two rows with their line and reason', async () => {
    expect(rejected).to.deep.equal([[8, "queue: '99' is not in the mapping's value map"], [10, 'agent: absent on an answered call']]);
    expect(report).to.include({ lines: 11, rejected: 2, excluded: 1 });
    const all = await events();
    expect(all.filter((e) => e.type === 'InteractionStarted').map((e) => (e.data as { externalCallId: string }).externalCallId).sort()).to.deep.equal(['C001', 'C002', 'C003', 'C004', 'C005', 'C008', 'C010']);
    expect(all.every((e) => e.metadata.sourceSystem === 'legacy:generic')).to.equal(true);
  });

  it('gives the wallboard the hand-computed KPIs per queue, and the IVR outcomes', async () => {
    await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models.filter((m) => m.name === 'wallboard') });
    const rows = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'total', by: ['queue'] });
    const pick = (queue: string) => {
      const f = rows.find((r) => r.queue === queue)!.figures;
      return { offered: f.offered, answered: f.answered, abandoned: f.abandoned, asa: f.averageSpeedOfAnswerMs, sl: f.serviceLevel, aht: f.averageHandleTimeMs };
    };
    // cards: C001 12 s wait / 300 s talk, C002 abandoned after 30 s, C010 abandoned after 4 s (short)
    expect(pick('cards')).to.deep.equal({ offered: 3, answered: 1, abandoned: 2, asa: 12_000, sl: 1 / 2, aht: 300_000 });
    // loans: C004 25 s / 180 s, C008 5 s / 120 s across midnight
    expect(pick('loans')).to.deep.equal({ offered: 2, answered: 2, abandoned: 0, asa: 15_000, sl: 1 / 2, aht: 150_000 });
    const ivr = rows.find((r) => r.queue === '')!.figures;
    expect({ contained: ivr.ivrContained, abandoned: ivr.ivrAbandoned }).to.deep.equal({ contained: 1, abandoned: 1 });
  });

  it('appends nothing when the file is imported again', async () => {
    const before = (await events()).length;
    const again = await importCdr({ file: CSV, mapping: await loadCdrMapping(MAPPING), source: 'generic', sink: logSink({ log: ledger.log, codec: ledger.codec, topicOf: ledger.topic }), checkpoints });
    expect(again).to.include({ appended: 0, alreadyImported: 11 });
    expect((await events()).length).to.equal(before);
  });

  it('rejects a malformed CSV record with its line and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdr-'));
    const file = join(dir, 'broken.csv');
    const lines = (await import('node:fs')).readFileSync(CSV, 'utf8').split('\n');
    writeFileSync(file, [lines[0], lines[1].replace('C001', 'X001'), 'X999,"2026/01/15,unterminated', lines[4].replace('C004', 'X004')].join('\n') + '\n');
    const bad: [number, string][] = [];
    const result = await importCdr({ file, mapping: await loadCdrMapping(MAPPING), source: 'broken', sink: logSink({ log: ledger.log, codec: ledger.codec, topicOf: ledger.topic }), checkpoints, onRejected: (l, r) => bad.push([l, r]) });
    expect(bad).to.have.length(1);
    expect(bad[0][1]).to.match(/^CSV: /);
    expect(result.appended).to.be.above(0);
  });
});
