import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { InMemorySnapshotStore, PostgresSnapshotStore, type SnapshotStore } from './snapshot-store.ts';

const schema = `snapshots_test_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });

after(async function () {
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

for (const [name, make] of [['PostgreSQL', () => new PostgresSnapshotStore(pool, schema)], ['in memory', () => new InMemorySnapshotStore()]] as const) {
  describe(`snapshot store (${name})`, function () {
    let store: SnapshotStore;
    beforeEach(function () {
      store = make();
    });

    it('gives the newest snapshot at or before the offset asked for', async function () {
      const processor = `p-${randomBytes(3).toString('hex')}`;
      await store.save(processor, 't', 0, 10, { at: 10 });
      await store.save(processor, 't', 0, 20, { at: 20, nested: { list: [1, 2] } });
      await store.save(processor, 't', 1, 30, { at: 30 });
      expect(await store.latest(processor, 't', 0, 25)).to.deep.equal({ nextOffset: 20, state: { at: 20, nested: { list: [1, 2] } } });
      expect(await store.latest(processor, 't', 0, 19)).to.deep.equal({ nextOffset: 10, state: { at: 10 } });
      expect(await store.latest(processor, 't', 0, 9)).to.equal(undefined);
      expect(await store.latest(processor, 't', 1, 100)).to.deep.equal({ nextOffset: 30, state: { at: 30 } });
    });

    it('keeps the last three per partition, so one ahead of a lost checkpoint still leaves an older one', async function () {
      const processor = `p-${randomBytes(3).toString('hex')}`;
      for (const offset of [10, 20, 30, 40]) await store.save(processor, 't', 0, offset, { offset });
      expect(await store.latest(processor, 't', 0, 15)).to.equal(undefined);
      expect((await store.latest(processor, 't', 0, 25))?.nextOffset).to.equal(20);
      expect((await store.latest(processor, 't', 0, 45))?.nextOffset).to.equal(40);
    });
  });
}
