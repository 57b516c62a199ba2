// Raw kafkajs producing and consuming, for bench/log.bench.ts to compare our adapter with.
// Lives here because kafkajs is imported only under log/kafka/. Same guarantees as the adapter
// where it matters for the comparison: idempotent producer, acks=all, read_committed consumer.
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import type { AppendRecord } from '../port.ts';

export interface RawKafkajs {
  produce(batches: readonly (readonly AppendRecord[])[], concurrency: number): Promise<void>;
  /** Consumes `count` records of `topic` with a fresh group (eachBatch, kafkajs' default auto-commit). */
  consume(topic: string, count: number): Promise<void>;
  close(): Promise<void>;
}

export async function openRawKafkajs(brokers: readonly string[]): Promise<RawKafkajs> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const toMessage = (record: AppendRecord): Message => ({ key: record.key, value: record.value, headers: { ...record.headers } });
  return {
    async produce(batches, concurrency) {
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < batches.length) {
          const batch = batches[next++];
          await producer.send({ topic: batch[0].topic, acks: -1, messages: batch.map(toMessage) });
        }
      }));
    },
    async consume(topic, count) {
      const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}-${Math.random()}`, readUncommitted: false });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let consumed = 0;
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          eachBatch: async ({ batch }) => {
            consumed += batch.messages.length;
            if (consumed >= count) resolve();
          },
        }).catch(reject);
      });
      await consumer.disconnect();
    },
    async close() {
      await producer.disconnect();
    },
  };
}
