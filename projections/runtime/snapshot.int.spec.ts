// Read-model snapshots on real PostgreSQL with the real pg_dump / pg_restore: a snapshot restored
// into a database without read models holds the same rows, documents and checkpoints, and the
// live projections go on from it through the log's tail to the tables a full rebuild gives;
// restoring over existing read models, a missing file, or a snapshot of nothing are refused
// with what to do, changing nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { dumpCurrent, freshNames, openTestLedger, projectionsCaughtUp, type TestLedger } from '../testing/int-support.ts';
import { generateDay } from '../wallboard/fixture-day/generate-day.ts';
import { startProjections } from './live.ts';
import { rebuild } from './rebuild.ts';
import { projectionSchemas, restoreReadModels, snapshotReadModels, SnapshotError } from './snapshot.ts';
import { quoteIdent } from './table-writer.ts';

describe('read-model snapshots (pg_dump / pg_restore, embedded log)', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let dir: string;
  const databaseUrl = testDatabaseUrl();

  before(async () => {
    ledger = await openTestLedger(freshNames('embedded'));
    dir = mkdtempSync(join(tmpdir(), 'snapshot-spec-'));
  });
  after(async () => {
    await ledger.drop();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function dropReadModels(): Promise<void> {
    for (const schema of await projectionSchemas(databaseUrl, ledger.names.prefix)) await ledger.knex.raw(`drop schema ${quoteIdent(schema)} cascade`);
  }

  it('refuses to snapshot a prefix with no read models', async () => {
    const error = await snapshotReadModels({ databaseUrl, prefix: ledger.names.prefix, file: join(dir, 'none.dump') }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SnapshotError);
    expect((error as Error).message).to.match(/^prefix: no projection schemas/);
  });

  it('restores rows, documents and checkpoints, and the live projections go on from them to what a rebuild gives', async () => {
    const day = generateDay({ calls: 150, agents: 4, seed: 31 });
    const cut = Math.floor(day.events.length * 0.6);
    await ledger.append(day.events.slice(0, cut));
    await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
    const before = await dumpCurrent(ledger);
    const file = join(dir, 'read-models.dump');
    const taken = await snapshotReadModels({ databaseUrl, prefix: ledger.names.prefix, file });
    expect(taken.schemas).to.include(`${ledger.names.prefix}_catalog`);
    expect(taken.bytes).to.be.greaterThan(0);

    const refused = await restoreReadModels({ databaseUrl, prefix: ledger.names.prefix, file }).catch((e: unknown) => e);
    expect((refused as Error).message).to.match(/already holds projection schemas/);
    expect(await dumpCurrent(ledger)).to.deep.equal(before);

    await dropReadModels();
    const restored = await restoreReadModels({ databaseUrl, prefix: ledger.names.prefix, file });
    expect(restored.schemas).to.deep.equal(taken.schemas);
    expect(await dumpCurrent(ledger)).to.deep.equal(before);

    // The tail after the snapshot: the live projections read only it, from the restored checkpoints.
    await ledger.append(day.events.slice(cut));
    const live = await startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: `snapshot-${ledger.names.prefix}` });
    try {
      while (!(await projectionsCaughtUp(ledger))) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await live.stop();
    }
    expect((await ledger.store.currentVersions(['wallboard'])).get('wallboard')).to.equal(1);
    const continued = await dumpCurrent(ledger);
    await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
    expect((await ledger.store.currentVersions(['wallboard'])).get('wallboard')).to.equal(2);
    expect(continued).to.deep.equal(await dumpCurrent(ledger));
  });

  it('refuses a snapshot file that does not exist', async () => {
    const error = await restoreReadModels({ databaseUrl, prefix: ledger.names.prefix, file: join(dir, 'missing.dump') }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(`from: no snapshot file '${join(dir, 'missing.dump')}'`);
  });
});
