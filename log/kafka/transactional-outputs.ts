// Read-process-write, effectively-once, with kafkajs (which has no KIP-447): one
// transactional producer per consumed partition, with a transactional id derived from the
// group, topic and partition. Whoever owns a partition uses the same id, so initialising it
// (InitProducerId) bumps the epoch and fences the previous owner (a zombie that lost the
// partition but still runs), and aborts whatever transaction the zombie left open.
// See docs/log.md, "Effectively-once".
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { AppendRecord } from '../port.ts';
import type { TopicPartitions } from './topic-partitions.ts';

interface PartitionProducer {
  readonly producer: Producer;
  readonly generation: number;
}

export type CommitOutcome =
  | { readonly kind: 'committed' }
  /** Another owner committed past this batch before we fenced it: output dropped, resume at `offset`. */
  | { readonly kind: 'already-committed'; readonly offset: number };

export interface TransactionalOutputsOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly partitions: TopicPartitions;
  readonly clientId: string;
  readonly group: string;
  readonly transactionTimeoutMs: number;
}

export function transactionalId(clientId: string, group: string, topic: string, partition: number): string {
  return `${clientId}.${group}.${topic}.${partition}`;
}

export class TransactionalOutputs {
  readonly #options: TransactionalOutputsOptions;
  readonly #producers = new Map<string, PartitionProducer>();

  constructor(options: TransactionalOutputsOptions) {
    this.#options = options;
  }

  /**
   * Writes `records` and the group's checkpoint `nextOffset` for (topic, partition) in one
   * transaction. `generation` counts group rebalances: the first commit for a partition in a
   * generation (re)initialises its producer, fencing any previous owner, and re-reads the
   * committed offset in case that owner committed past `firstOffset` in the meantime.
   */
  async commit(
    topic: string, partition: number, generation: number,
    firstOffset: number, nextOffset: number, records: readonly AppendRecord[],
  ): Promise<CommitOutcome> {
    const { group } = this.#options;
    const id = transactionalId(this.#options.clientId, group, topic, partition);
    let entry = this.#producers.get(id);
    if (entry && entry.generation !== generation) {
      this.#producers.delete(id);
      await entry.producer.disconnect().catch(() => undefined);
      entry = undefined;
    }
    if (!entry) {
      entry = { producer: await this.#connect(id), generation };
      this.#producers.set(id, entry);
      const committed = await this.#committedOffset(topic, partition);
      if (committed > firstOffset) return { kind: 'already-committed', offset: committed };
    }
    const placed = await this.#options.partitions.place(records);
    const transaction = await entry.producer.transaction();
    try {
      if (placed.topicMessages.length > 0) await transaction.sendBatch({ topicMessages: placed.topicMessages });
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic, partitions: [{ partition, offset: String(nextOffset) }] }],
      });
      await transaction.commit();
      return { kind: 'committed' };
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // The producer may be fenced or in an unknown state: start afresh next time.
      this.#producers.delete(id);
      await entry.producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producers = [...this.#producers.values()];
    this.#producers.clear();
    await Promise.all(producers.map(({ producer }) => producer.disconnect().catch(() => undefined)));
  }

  async #connect(id: string): Promise<Producer> {
    const producer = this.#options.kafka.producer({
      transactionalId: id,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.#options.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // EoS needs unbounded retries (kafkajs warns otherwise). A new transaction right after a
      // commit often gets CONCURRENT_TRANSACTIONS while the markers are written: retry fast.
      retry: { initialRetryTime: 20, maxRetryTime: 2000, retries: Number.MAX_SAFE_INTEGER },
    });
    await producer.connect(); // InitProducerId: fences the previous owner of this id
    return producer;
  }

  async #committedOffset(topic: string, partition: number): Promise<number> {
    const offsets = await this.#options.admin.fetchOffsets({ groupId: this.#options.group, topics: [topic] });
    const found = offsets[0]?.partitions.find((entry) => entry.partition === partition);
    return found ? Number(found.offset) : -1;
  }
}
