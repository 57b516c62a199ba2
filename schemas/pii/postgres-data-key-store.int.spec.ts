// The data-key store's bulk prefetch (importers load a batch's keys in one round trip) on real
// PostgreSQL: keys created once and the same afterwards, shredded subjects still refused, and a
// bounded cache that forgets the oldest keys without changing them.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { MasterKey, ShreddedSubjectError } from './data-key-store.ts';
import { PostgresDataKeyStore } from './postgres-data-key-store.ts';

describe('PostgreSQL data-key store prefetch', function () {
  this.timeout(30_000);
  const schema = `dks_${randomBytes(4).toString('hex')}`;
  const master = new MasterKey(randomBytes(32));
  let pool: pg.Pool;

  before(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    await new PostgresDataKeyStore({ pool, masterKey: master, schema }).migrate();
  });
  after(async () => {
    await pool?.query(`drop schema if exists "${schema}" cascade`);
    await pool?.end();
  });

  it('creates the missing keys of a batch once; keyFor then returns them, also from another process', async () => {
    const store = new PostgresDataKeyStore({ pool, masterKey: master, schema });
    const existing = await store.keyFor('customer:A');
    await store.prefetch(['customer:A', 'customer:B', 'customer:B', 'customer:C']);
    expect((await store.keyFor('customer:A')).equals(existing)).to.equal(true);
    const other = new PostgresDataKeyStore({ pool, masterKey: master, schema });
    for (const subject of ['customer:B', 'customer:C']) expect((await other.keyFor(subject)).equals(await store.keyFor(subject))).to.equal(true);
    const { rows } = await pool.query(`select count(*)::int as n from "${schema}".pii_data_keys`);
    expect(rows[0].n).to.equal(3);
  });

  it('still refuses a shredded subject after a prefetch', async () => {
    const store = new PostgresDataKeyStore({ pool, masterKey: master, schema });
    await store.shred('customer:D');
    await store.prefetch(['customer:D']);
    const error = await store.keyFor('customer:D').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ShreddedSubjectError);
  });

  it('keeps at most cacheSize keys in memory and reloads forgotten ones unchanged', async () => {
    const store = new PostgresDataKeyStore({ pool, masterKey: master, schema, cacheSize: 2 });
    await store.prefetch(['customer:E', 'customer:F', 'customer:G']);
    const reference = new PostgresDataKeyStore({ pool, masterKey: master, schema });
    for (const subject of ['customer:E', 'customer:F', 'customer:G']) expect((await store.keyFor(subject)).equals(await reference.keyFor(subject))).to.equal(true);
  });
});
