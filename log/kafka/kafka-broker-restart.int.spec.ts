// Broker lost mid-run: a producer keeps appending while the broker JVM is killed (SIGKILL) and
// started again by scripts/kafka.sh; afterwards every acknowledged record is in the log
// exactly once. Needs the broker managed by scripts/kafka.sh (CI: LEDGER_TEST_KAFKA=1).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KafkaLog } from './kafka-log.ts';
import { pinoSink } from './pino-sink.ts';
import { kafkaTestBrokers, kafkaTestsEnabled, reportKafkaTestsDisabled } from './kafka-test-env.ts';

const run = promisify(execFile);
const kafkaScript = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));

async function kafkaScriptCommand(command: 'status' | 'kill' | 'up'): Promise<void> {
  await run(kafkaScript, [command], { timeout: 180_000 });
}

if (kafkaTestsEnabled()) {
  describe('kafka log › when the broker is killed and restarted under load', function () {
    this.timeout(300_000);

    it('keeps every acknowledged record, exactly once', async () => {
      await kafkaScriptCommand('status').catch(() => {
        throw new Error('this test restarts the broker, so it needs the one scripts/kafka.sh manages (make kafka-up)');
      });
      const log = await KafkaLog.open({
        brokers: kafkaTestBrokers(), clientId: 'restart-test', defaultPartitions: 3, replicationFactor: 1,
        logger: pinoSink('fatal'), connectDeadlineMs: 30_000,
      });
      const topic = `restart.${randomBytes(5).toString('hex')}`;
      await log.createTopics([{ topic, partitions: 3 }]);

      const acknowledged = new Set<string>();
      let rejected = 0;
      let sequence = 0;
      let appending = true;
      const producer = (async () => {
        while (appending) {
          const ids = Array.from({ length: 20 }, () => `r${sequence++}`);
          try {
            await log.append(ids.map((id) => ({ topic, key: id, value: Buffer.from(id) })));
            for (const id of ids) acknowledged.add(id);
          } catch {
            rejected++; // not acknowledged: allowed to be missing, never allowed twice
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      })();
      const waitForAcks = async (count: number): Promise<void> => {
        while (acknowledged.size < count) await new Promise((resolve) => setTimeout(resolve, 20));
      };

      try {
        await waitForAcks(2_000);
        await kafkaScriptCommand('kill');
        await kafkaScriptCommand('up');
        const afterRestart = acknowledged.size;
        await waitForAcks(afterRestart + 2_000);
      } finally {
        appending = false;
        await producer;
      }

      const seen = new Map<string, number>();
      for await (const batch of log.readRange({ topic })) {
        for (const record of batch) {
          const id = record.value.toString();
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
      await log.close();
      const missing = [...acknowledged].filter((id) => !seen.has(id));
      const duplicated = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
      expect(missing, `acknowledged but missing (rejected batches: ${rejected})`).to.deep.equal([]);
      expect(duplicated, 'in the log more than once').to.deep.equal([]);
    });
  });
} else {
  reportKafkaTestsDisabled('log/kafka/kafka-broker-restart.int.spec.ts (broker restart under load)');
}
