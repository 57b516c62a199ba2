// The Kafka adapter of the ledger log port. The only place (with its helpers in this folder)
// that knows kafkajs, so the client can be replaced without touching anything above the port.
import { Kafka, type Admin, type Producer } from 'kafkajs';
import type {
  AppendRecord, AppendResult, LedgerLog, LogRecord, ReadRangeOptions, SubscribeOptions, Subscription,
  TopicDescription, TopicSpec,
} from '../port.ts';
import './kafkajs-request-queue-patch.ts';
import { kafkajsLogCreator, type LogSink } from './log-sink.ts';
import { appendProducer } from './append-producer.ts';
import { appendResults } from './offsets.ts';
import { readRange } from './read-range.ts';
import { retryConnect } from './retry-connect.ts';
import { startKafkaSubscription } from './kafka-subscription.ts';
import { TopicPartitions } from './topic-partitions.ts';
import { topicOffsets } from './topic-offsets.ts';

export interface KafkaLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Partitions and replication factor of topics created without an explicit spec. */
  readonly defaultPartitions: number;
  readonly replicationFactor: number;
  readonly logger: LogSink;
  /** Stop waiting for the brokers at start after this long (default: wait forever, with backoff). */
  readonly connectDeadlineMs?: number;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  /**
   * Partitions a subscription that asks for `concurrentPartitions` processes at once (default 6).
   * Each partition keeps its order and has its own transactional producer; one at a time made
   * every batch wait behind the transaction commits of the others.
   */
  readonly partitionsConsumedConcurrently?: number;
}

export class KafkaLog implements LedgerLog {
  readonly #options: KafkaLogOptions;
  readonly #kafka: Kafka;
  readonly #admin: Admin;
  #producer: Producer;
  #producerFailed = false;
  readonly #partitions: TopicPartitions;
  readonly #subscriptions = new Set<Subscription>();

  private constructor(options: KafkaLogOptions, kafka: Kafka, admin: Admin, producer: Producer) {
    this.#options = options;
    this.#kafka = kafka;
    this.#admin = admin;
    this.#producer = producer;
    this.#partitions = new TopicPartitions(admin, options.defaultPartitions, (spec) => this.createTopics([spec]));
  }

  /** Connects to the brokers, waiting (with a log line per attempt and backoff) while they are unavailable. */
  static async open(options: KafkaLogOptions): Promise<KafkaLog> {
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logCreator: kafkajsLogCreator(options.logger),
      // The client-wide retry (also the admin's connection retry) is short: waiting out a
      // missing broker at start is retryConnect's job, which logs every attempt. Producers and
      // consumers set their own, longer retries.
      retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
    });
    const admin = kafka.admin();
    const producer = appendProducer(kafka);
    const what = `Kafka at ${options.brokers.join(',')}`;
    await retryConnect(async () => {
      await admin.connect();
      await admin.describeCluster();
    }, { what, logger: options.logger, deadlineMs: options.connectDeadlineMs });
    await retryConnect(() => producer.connect(), { what, logger: options.logger, deadlineMs: options.connectDeadlineMs });
    return new KafkaLog(options, kafka, admin, producer);
  }

  async append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    if (records.length === 0) return [];
    const placed = await this.#partitions.place(records);
    if (this.#producerFailed) await this.#replaceProducer();
    try {
      const metadata = await this.#producer.sendBatch({ acks: -1, topicMessages: placed.topicMessages });
      return appendResults(placed.placements, metadata);
    } catch (error) {
      // After a broker crash kafkajs' idempotent producer can be left in a state it does not
      // recover from (lost sequence numbers): the next append starts from a fresh producer. This
      // batch is still reported as not acknowledged, so the caller retries it.
      this.#producerFailed = true;
      throw error;
    }
  }

  async #replaceProducer(): Promise<void> {
    await this.#producer.disconnect().catch(() => undefined);
    this.#producer = appendProducer(this.#kafka);
    await this.#producer.connect();
    this.#producerFailed = false;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const subscription = await startKafkaSubscription({
      kafka: this.#kafka,
      admin: this.#admin,
      partitions: this.#partitions,
      clientId: this.#options.clientId,
      logger: this.#options.logger,
      transactionTimeoutMs: this.#options.transactionTimeoutMs ?? 60_000,
      sessionTimeoutMs: this.#options.sessionTimeoutMs ?? 30_000,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 6,
    }, options);
    this.#subscriptions.add(subscription);
    subscription.done.then(
      () => this.#subscriptions.delete(subscription),
      () => this.#subscriptions.delete(subscription),
    );
    return subscription;
  }

  readRange(options: ReadRangeOptions): AsyncIterable<readonly LogRecord[]> {
    return readRange(this.#kafka, this.#admin, this.#options.clientId, options);
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    await this.#admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor ?? this.#options.replicationFactor,
        // The log is the source of truth: nothing expires unless a topic's spec says so.
        configEntries: Object.entries({ 'retention.ms': '-1', ...spec.config }).map(([name, value]) => ({ name, value })),
      })),
    }); // resolves false (no error) for topics that already exist
    for (const spec of specs) this.#partitions.forget(spec.topic);
    // Leaders are elected, but a broker may not yet serve the new partitions' offsets.
    await Promise.all(specs.map((spec) => this.#retriable(() => topicOffsets(this.#admin, spec.topic))));
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    const offsets = await this.#retriable(() => topicOffsets(this.#admin, topic));
    return {
      topic,
      partitions: offsets
        .map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }))
        .sort((a, b) => a.partition - b.partition),
    };
  }

  async groupOffsets(group: string, topic: string): Promise<ReadonlyMap<number, number>> {
    const offsets = await this.#admin.fetchOffsets({ groupId: group, topics: [topic] });
    const result = new Map<number, number>();
    for (const entry of offsets[0]?.partitions ?? []) {
      const offset = Number(entry.offset);
      if (offset >= 0) result.set(entry.partition, offset); // -1: no checkpoint yet
    }
    return result;
  }

  async seedGroupOffsets(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<number[]> {
    const existing = await this.groupOffsets(group, topic);
    const partitions = [...offsets].filter(([partition]) => !existing.has(partition)).map(([partition, offset]) => ({ partition, offset: String(offset) }));
    if (partitions.length > 0) await this.#admin.setOffsets({ groupId: group, topic, partitions });
    return partitions.map((p) => p.partition);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#subscriptions].map((subscription) => subscription.stop()));
    await this.#producer.disconnect();
    await this.#admin.disconnect();
  }

  async #retriable<T>(action: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        if (attempt >= 20 || !(error as { retriable?: boolean }).retriable) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
}
