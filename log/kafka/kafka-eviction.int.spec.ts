// A group member the broker evicts (a batch ran past the session timeout, as on a loaded
// machine) must rejoin and go on consuming: losing group membership is routine on Kafka and
// must not end a projection or a processor. Needs the broker of scripts/kafka.sh.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { KafkaLog } from './kafka-log.ts';
import { pinoSink } from './pino-sink.ts';
import { kafkaTestBrokers, kafkaTestsEnabled, reportKafkaTestsDisabled } from './kafka-test-env.ts';

const sessionTimeoutMs = 6_000; // the broker's default group.min.session.timeout.ms

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (kafkaTestsEnabled()) {
  describe('kafka subscription whose member is evicted by the broker', function () {
    this.timeout(120_000);

    it('rejoins the group, is given the unfinished batch again, and goes on consuming', async () => {
      const log = await KafkaLog.open({
        brokers: kafkaTestBrokers(), clientId: 'eviction', defaultPartitions: 1, replicationFactor: 1,
        logger: pinoSink(process.env.LEDGER_LOG_LEVEL ?? 'error'), connectDeadlineMs: 30_000, sessionTimeoutMs,
      });
      const topic = `eviction.${randomUUID()}`;
      try {
        await log.createTopics([{ topic, partitions: 1 }]);
        await log.append([{ topic, key: 'k', value: Buffer.from('first') }]);
        const handled: number[] = [];
        let stalled = false;
        const subscription = await log.subscribe({
          group: `eviction-${randomUUID()}`, topics: [topic],
          handler: async (batch) => {
            if (!stalled) {
              stalled = true;
              // No heartbeat for longer than the session timeout: the broker evicts this member.
              await new Promise((resolve) => setTimeout(resolve, sessionTimeoutMs + 4_000));
            }
            handled.push(...batch.records.map((r) => r.offset));
          },
        });
        let ended: unknown = null;
        subscription.done.then(() => { ended = 'stopped'; }, (error: unknown) => { ended = error; });
        try {
          await waitFor('the stalled batch to finish', () => handled.length > 0);
          await log.append([{ topic, key: 'k', value: Buffer.from('second') }]);
          await waitFor('the record appended after the eviction', () => handled.includes(1));
          expect(ended).to.equal(null);
          expect(handled.filter((offset) => offset === 0).length).to.be.at.least(1);
        } finally {
          await subscription.stop();
        }
      } finally {
        await log.close();
      }
    });
  });
} else {
  reportKafkaTestsDisabled('log/kafka/kafka-eviction.int.spec.ts (member eviction on Kafka)');
}
