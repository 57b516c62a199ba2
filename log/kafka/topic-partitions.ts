// Which partition a record goes to, decided here rather than inside kafkajs so append can
// report each record's partition and offset. Keys hash with kafkajs' DefaultPartitioner
// (murmur2, identical to the Java client's), so a key lands on the same partition number as
// with any Java producer and the embedded adapter.
import { Partitioners, type Admin, type Message, type PartitionMetadata } from 'kafkajs';
import type { AppendRecord, TopicSpec } from '../port.ts';
import { toKafkaMessage } from './records.ts';

export interface PartitionedRecords {
  /** One entry per topic, messages in input order (kafkajs keeps that order per partition). */
  readonly topicMessages: { topic: string; messages: Message[] }[];
  /** For each input record: its topic and partition. */
  readonly placements: readonly { topic: string; partition: number }[];
}

export class TopicPartitions {
  readonly #admin: Admin;
  readonly #createMissing: (spec: TopicSpec) => Promise<void>;
  readonly #defaultPartitions: number;
  readonly #counts = new Map<string, number>();
  readonly #partitioner = Partitioners.DefaultPartitioner();

  constructor(admin: Admin, defaultPartitions: number, createMissing: (spec: TopicSpec) => Promise<void>) {
    this.#admin = admin;
    this.#defaultPartitions = defaultPartitions;
    this.#createMissing = createMissing;
  }

  async count(topic: string): Promise<number> {
    const known = this.#counts.get(topic);
    if (known !== undefined) return known;
    let count = await this.#fetchCount(topic);
    if (count === 0) {
      // Appending to a topic nobody created: create it with the configured defaults, as the
      // embedded adapter does, rather than relying on the broker's auto-creation settings.
      await this.#createMissing({ topic, partitions: this.#defaultPartitions });
      count = await this.#fetchCount(topic);
    }
    if (count === 0) throw new Error(`topic '${topic}' has no partitions after creation`);
    this.#counts.set(topic, count);
    return count;
  }

  forget(topic: string): void {
    this.#counts.delete(topic);
  }

  async place(records: readonly AppendRecord[]): Promise<PartitionedRecords> {
    const byTopic = new Map<string, Message[]>();
    const placements: { topic: string; partition: number }[] = [];
    // The partitioner reads only the partition count from its metadata: built once per topic and
    // append, not per record (an append of thousands of records spent microseconds on each).
    const metadataByTopic = new Map<string, { count: number; partitionMetadata: PartitionMetadata[] }>();
    for (const record of records) {
      let topic = metadataByTopic.get(record.topic);
      if (!topic) {
        const count = this.#counts.get(record.topic) ?? (await this.count(record.topic));
        topic = { count, partitionMetadata: Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 })) };
        metadataByTopic.set(record.topic, topic);
      }
      const { count, partitionMetadata } = topic;
      if (record.partition !== undefined && (record.partition < 0 || record.partition >= count || !Number.isInteger(record.partition))) {
        throw new RangeError(`partition ${record.partition} does not exist in topic '${record.topic}' (${count} partitions)`);
      }
      // An explicit partition (copy tools) wins; otherwise murmur2 of the key, as Kafka's default.
      const partition = record.partition ?? this.#partitioner({
        topic: record.topic,
        partitionMetadata,
        message: { key: record.key, value: record.value },
      });
      placements.push({ topic: record.topic, partition });
      let messages = byTopic.get(record.topic);
      if (!messages) byTopic.set(record.topic, (messages = []));
      messages.push(toKafkaMessage(record, partition));
    }
    return { topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), placements };
  }

  async #fetchCount(topic: string): Promise<number> {
    try {
      const metadata = await this.#admin.fetchTopicMetadata({ topics: [topic] });
      return metadata.topics[0]?.partitions.length ?? 0;
    } catch (error) {
      if ((error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return 0;
      throw error;
    }
  }
}
