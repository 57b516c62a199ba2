// Embedded-only: the checkpoint compare-and-set, not the lease, is what keeps a batch from being
// committed twice. A member that loses its lease mid-batch must not commit that batch's output.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { countBy, readAll, waitFor } from '../contract/contract-support.ts';
import type { BatchHandler } from '../port.ts';
import { EmbeddedLog } from './embedded-log.ts';

const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('embedded log fencing', () => {
  const schema = `fencing_test_${randomBytes(4).toString('hex')}`;
  let stalled: EmbeddedLog;
  let successor: EmbeddedLog;

  before(async () => {
    stalled = await EmbeddedLog.open({ connectionString: databaseUrl, schema, sessionTimeoutMs: 1000, heartbeatMs: 100 });
    successor = await EmbeddedLog.open({ connectionString: databaseUrl, schema, sessionTimeoutMs: 1000, heartbeatMs: 100 });
  });

  after(async () => {
    await stalled.pool.query(`drop schema "${schema}" cascade`);
    await Promise.all([stalled.close(), successor.close()]);
  });

  describe('when a member loses its lease while a batch is in flight', () => {
    it('cannot commit that batch once the new owner has: every output exists once', async () => {
      await stalled.createTopics([{ topic: 'in', partitions: 1 }, { topic: 'out', partitions: 1 }]);
      await stalled.append(Array.from({ length: 10 }, (_, i) => ({ topic: 'in', key: 'k', value: Buffer.from(`e${i}`) })));
      const copyTo = (by: string): BatchHandler => async (batch, context) => {
        context.append(batch.records.map((r) => ({ topic: 'out', key: r.key, value: r.value, headers: { by } })));
      };

      let inHandler = false;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const first = await stalled.subscribe({
        group: 'g',
        topics: ['in'],
        handler: async (batch, context) => {
          await copyTo('stalled')(batch, context);
          inHandler = true;
          await gate;
        },
      });
      await waitFor('the first member to be mid-batch', () => inHandler);

      // The lease and membership vanish as if the member had stalled past its session timeout.
      await stalled.pool.query(`delete from "${schema}".partition_leases where group_id = 'g'`);
      await stalled.pool.query(`delete from "${schema}".group_members where group_id = 'g'`);
      const second = await successor.subscribe({ group: 'g', topics: ['in'], handler: copyTo('successor') });
      await waitFor('the successor to commit the partition', async () => (await successor.groupOffsets('g', 'in')).get(0) === 10);

      release();
      await second.stop();
      await first.stop();
      const written = await readAll(stalled, 'out');
      expect([...countBy(written, (r) => r.value.toString()).values()]).to.deep.equal(Array.from({ length: 10 }, () => 1));
      expect(new Set(written.map((r) => r.headers.by))).to.deep.equal(new Set(['successor']));
    });
  });
});
