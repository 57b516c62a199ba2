import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../platform/config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/embedded-postgres.ts';
import { readAll } from './contract/contract-support.ts';
import { openLog } from './open-log.ts';

describe('openLog', () => {
  describe('with LEDGER_LOG=embedded and no LEDGER_DATABASE_URL', () => {
    let dataDir: string;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'ledger-open-log-'));
      // Reachable by the postgres OS user when the tests run as root.
      await chmod(dataDir, 0o755);
    });

    after(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('starts PostgreSQL under LEDGER_DATA_DIR, serves the log from it, and stops it on close', async () => {
      let started: RunningPostgres | undefined;
      const config = readConfig({ LEDGER_LOG: 'embedded', LEDGER_DATA_DIR: dataDir, HOME: dataDir });
      const log = await openLog(config, {
        startPostgres: async (folder) => (started = await startEmbeddedPostgres({ dataDir: folder })),
      });
      await log.append([{ topic: 'ledger.interactions', key: 'call-1', value: Buffer.from('hello') }]);
      const [record] = await readAll(log, 'ledger.interactions');
      expect(record.value.toString()).to.equal('hello');
      expect((await log.describeTopic('ledger.interactions')).partitions).to.have.length(config.topicPartitions);
      await log.close();
      expect(started, 'the embedded server').to.not.equal(undefined);
      // Stopped: starting again on the same folder works (it would fail on a held data folder).
      const again = await startEmbeddedPostgres({ dataDir });
      await again.stop();
    });
  });
});
