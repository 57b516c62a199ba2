// Outputs of an at-least-once subscription (SubscribeOptions.outputDelivery): appended durably
// (idempotent, acks=all) by the subscription's own producer. kafkajs sends one request at a time
// per producer and broker, so a processor's decisions sharing the log's producer would queue
// behind every other append of the process (another processor's, a ticker's).
import type { Kafka, Producer } from 'kafkajs';
import type { AppendRecord } from '../port.ts';
import { appendProducer } from './append-producer.ts';
import type { TopicPartitions } from './topic-partitions.ts';

export class AtLeastOnceOutputs {
  readonly #kafka: Kafka;
  readonly #partitions: TopicPartitions;
  #producer: Promise<Producer> | undefined;

  constructor(kafka: Kafka, partitions: TopicPartitions) {
    this.#kafka = kafka;
    this.#partitions = partitions;
  }

  /** Resolves once every record is acknowledged by all in-sync replicas. */
  async append(records: readonly AppendRecord[]): Promise<void> {
    const placed = await this.#partitions.place(records);
    const ready = this.#connected();
    const producer = await ready;
    try {
      await producer.sendBatch({ acks: -1, topicMessages: placed.topicMessages });
    } catch (error) {
      // After a failed send kafkajs' idempotent producer may not recover its sequence state (as
      // KafkaLog.append): the next append starts from a fresh one.
      if (this.#producer === ready) this.#producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** One producer, connected once however many partitions' batches ask for it at the same time. */
  #connected(): Promise<Producer> {
    if (!this.#producer) {
      const producer = appendProducer(this.#kafka);
      const ready = producer.connect().then(() => producer);
      ready.catch(() => { if (this.#producer === ready) this.#producer = undefined; });
      this.#producer = ready;
    }
    return this.#producer;
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}
