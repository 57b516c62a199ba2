import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

describe('embedded PostgreSQL', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-embedded-pg-'));
    // mkdtemp makes a 0700 folder; the postgres user (when we run as root) must traverse it.
    await chmod(dataDir, 0o755);
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('when started on an empty data folder', () => {
    it('initialises a cluster, accepts connections, stops, and starts again on the same data', async () => {
      const first = await startEmbeddedPostgres({ dataDir });
      try {
        const client = new pg.Client({ connectionString: first.url });
        await client.connect();
        await client.query('create table kept (value text)');
        await client.query(`insert into kept values ('still here')`);
        await client.end();
      } finally {
        await first.stop();
      }

      const second = await startEmbeddedPostgres({ dataDir });
      try {
        const client = new pg.Client({ connectionString: second.url });
        await client.connect();
        const rows = await client.query<{ value: string }>('select value from kept');
        await client.end();
        expect(rows.rows.map((row) => row.value)).to.deep.equal(['still here']);
      } finally {
        await second.stop();
      }
    });
  });
});
