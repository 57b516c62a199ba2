// Embedded-only: idle consumers wake on NOTIFY, and keep doing so after the LISTEN connection
// is cut. Polling is set far beyond the test's own deadline, so only a notification (or the
// re-established listener) can deliver the records in time.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../contract/contract-support.ts';
import { EmbeddedLog } from './embedded-log.ts';

const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('embedded log wake-up', () => {
  const schema = `notify_test_${randomBytes(4).toString('hex')}`;
  let log: EmbeddedLog;

  before(async () => {
    log = await EmbeddedLog.open({ connectionString: databaseUrl, schema, pollMs: 600_000, heartbeatMs: 600_000, sessionTimeoutMs: 1_200_000 });
  });

  after(async () => {
    await log.pool.query(`drop schema "${schema}" cascade`);
    await log.close();
  });

  describe('when the LISTEN connection is terminated', () => {
    it('still wakes an idle consumer for new records', async () => {
      await log.createTopics([{ topic: 'in', partitions: 1 }]);
      const seen: string[] = [];
      const subscription = await log.subscribe({ group: 'g', topics: ['in'], handler: async (batch) => void seen.push(...batch.records.map((r) => r.value.toString())) });
      await waitFor('the consumer to claim its partition', async () => (await log.groupOffsets('g', 'in')).size === 1, 30_000);

      await log.append([{ topic: 'in', key: 'k', value: Buffer.from('before') }]);
      await waitFor('a record delivered by notification', () => seen.includes('before'), 30_000);

      const cut = await log.pool.query(
        `select pg_terminate_backend(pid) as cut from pg_stat_activity where datname = current_database() and query = $1`,
        [`listen "${schema}.appended"`],
      );
      expect(cut.rows.map((row) => row.cut)).to.deep.equal([true]);
      await log.append([{ topic: 'in', key: 'k', value: Buffer.from('after') }]);
      await waitFor('a record delivered after the listener came back', () => seen.includes('after'), 30_000);
      await subscription.stop();
    });
  });
});
