// Dual track on the embedded log (real PostgreSQL): the generic CDR export imported as
// `legacy:generic`, and the same day as the new centre saw it (the same export through the
// importer with sourceSystem `new`, one call answered 20 s later and released 20 s sooner),
// through the real wallboard projection; the report lines the two up per queue and interval and
// flags only the queue-interval that differs.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { testDatabaseUrl } from '../test/support/test-database.ts';
import { freshNames, openTestLedger, type TestLedger } from '../projections/testing/int-support.ts';
import { rebuild } from '../projections/runtime/rebuild.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { PostgresCheckpointStore } from '../producers/importers/runtime/checkpoints.ts';
import { logSink, type EventSink } from '../producers/importers/runtime/event-sink.ts';
import { importCdr, loadCdrMapping } from '../producers/importers/cdr/import-cdr.ts';
import { dualTrackCsv, dualTrackReport, dualTrackTable, type DualTrackReport } from './dual-track.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../producers/importers/cdr/fixtures/${name}`, import.meta.url));
const CSV = fixture('generic-export.csv');
const MAPPING = fixture('generic-export.mapping.json');

describe('dual-track report (embedded log, wallboard per source)', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let pool: pg.Pool;
  let report: DualTrackReport;
  const schema = `dt_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'dual-track-'));

  /** The importer's events stamped as the new centre's. */
  function asNew(sink: EventSink): EventSink {
    return {
      prepare: (events) => sink.prepare(events.map((e) => ({ ...e, metadata: { ...e.metadata, sourceSystem: 'new' } }) as AnyLedgerEvent)),
      write: (records) => sink.write(records),
    };
  }

  before(async () => {
    ledger = await openTestLedger(freshNames('embedded'));
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    const checkpoints = new PostgresCheckpointStore(pool, schema);
    await checkpoints.migrate();
    const mapping = await loadCdrMapping(MAPPING);
    const sink = logSink({ log: ledger.log, codec: ledger.codec, topicOf: ledger.topic });
    await importCdr({ file: CSV, mapping, source: 'generic', sink, checkpoints });
    // The new centre: C004 (loans, 09:03) answered at 09:03:55 instead of 09:03:35.
    const changed = join(dir, 'new.csv');
    writeFileSync(changed, readFileSync(CSV, 'utf8').replace('9:03:10,9:03:35,9:03:35,9:06:35', '9:03:10,9:03:55,9:03:55,9:06:35'));
    await importCdr({ file: changed, mapping, source: 'generic-new-track', sink: asNew(sink), checkpoints });
    await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models.filter((m) => m.name === 'wallboard') });
    report = await dualTrackReport({ knex: ledger.knex, readSchema: ledger.store.readSchema, legacySource: 'legacy:generic', newSource: 'new', threshold: 0.05 });
  });
  after(async () => {
    await pool?.query(`drop schema if exists "${schema}" cascade`);
    await pool?.end();
    await ledger?.close();
    await ledger?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pairs every queue and interval of both tracks', () => {
    expect(report.rows.map((r) => [r.interval, r.queue])).to.deep.equal([
      ['2026-01-15T01:00:00.000Z', 'cards'],
      ['2026-01-15T01:00:00.000Z', 'loans'],
      ['2026-01-15T15:45:00.000Z', 'loans'],
    ]);
    expect(report.rows.every((r) => !r.missing)).to.equal(true);
  });

  it('flags the loans interval where ASA and AHT differ, with the figures of both tracks', () => {
    const loans = report.rows.find((r) => r.queue === 'loans' && r.interval.startsWith('2026-01-15T01'));
    expect(loans?.flagged).to.equal(true);
    const flagged = Object.fromEntries((loans?.differences ?? []).filter((d) => d.flagged).map((d) => [d.metric, [d.legacy, d.new]]));
    // C004: wait 25 s → 45 s; talk 180 s → 160 s (one call in the interval).
    expect(flagged).to.deep.equal({ asaMs: [25_000, 45_000], ahtMs: [180_000, 160_000] });
  });

  it('leaves identical intervals unflagged', () => {
    expect(report.rows.filter((r) => r.flagged).map((r) => `${r.interval} ${r.queue}`)).to.deep.equal(['2026-01-15T01:00:00.000Z loans']);
    const cards = report.rows.find((r) => r.queue === 'cards');
    expect(cards?.legacy).to.deep.equal(cards?.new);
    expect(report.flaggedRows).to.equal(1);
  });

  it('flags nothing with a threshold above the largest difference', async () => {
    const lax = await dualTrackReport({ knex: ledger.knex, readSchema: ledger.store.readSchema, legacySource: 'legacy:generic', newSource: 'new', threshold: 0.5 });
    expect(lax.flaggedRows).to.equal(0);
  });

  it('renders as a table and as CSV', () => {
    expect(dualTrackTable(report)).to.include('FLAGGED');
    expect(dualTrackCsv(report).trim().split('\n')).to.have.length(1 + report.rows.length);
  });
});
