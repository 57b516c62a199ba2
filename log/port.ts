// The ledger log port: the one interface every producer, processor, projection and replay
// uses. Two adapters implement it (log/kafka, log/embedded) and pass the same contract suite
// (log/contract). The port carries bytes; Avro encoding lives in schemas/.

/** Header values travel as bytes on Kafka; adapters hand them back as UTF-8 strings. */
export type Headers = Record<string, string>;

export interface AppendRecord {
  readonly topic: string;
  /** Partition key. Records with the same key land on the same partition (murmur2, as Kafka's default partitioner). */
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers?: Headers;
  /** Record timestamp in epoch milliseconds; defaults to the append time. */
  readonly timestamp?: number;
  /**
   * Explicit partition, bypassing the partitioner. Only for tools that must keep a record's
   * partition (copying a log between adapters); producers leave it to the key.
   */
  readonly partition?: number;
}

export interface AppendResult {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Headers;
  readonly timestamp: number;
}

/** A batch of records from one partition, in offset order. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly LogRecord[];
  /**
   * Optional: changes whenever this member's partition assignment may have changed (a rebalance).
   * While it stays the same, no other member processed this partition between two batches, so a
   * processor may trust in-memory state across an offset jump (Kafka's transaction markers take
   * offsets) without asking the log for the group's checkpoint.
   */
  readonly assignmentEpoch?: number;
}

/**
 * Given to a batch handler. Records staged with `append` are written with the group's checkpoint
 * for this batch as the subscription's `outputDelivery` says: by default atomically (Kafka:
 * transactional producer with sendOffsets; embedded: one PostgreSQL transaction), so a
 * read-process-write processor is effectively-once.
 */
export interface BatchContext {
  append(records: readonly AppendRecord[]): void;
}

export type BatchHandler = (batch: RecordBatch, context: BatchContext) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: checkpoints are kept per group, topic and partition. */
  readonly group: string;
  readonly topics: readonly string[];
  /** Where a group with no checkpoint starts. Default: 'earliest'. */
  readonly startFrom?: 'earliest' | 'latest';
  readonly maxBatchSize?: number;
  /**
   * The handler may be called for several partitions at once (each partition still in order).
   * Only for handlers whose state is per partition; lowers latency on Kafka, where each batch
   * with output waits for its transaction. Default: one batch at a time.
   */
  readonly concurrentPartitions?: boolean;
  /**
   * How records staged with `BatchContext.append` are written. 'atomic' (default): together with
   * the checkpoint, all or nothing. 'at-least-once': appended durably (idempotent producer,
   * acks=all) and only then checkpointed, so a crash between the two delivers the batch again
   * and its outputs are appended a second time. Only for handlers whose outputs are deterministic
   * and carry the `ledger_source` position that lets every consumer drop what it has seen
   * (streams/runtime does both). On Kafka this takes the transaction, its markers and the
   * read_committed wait off the path (a hop's p99 ~11 ms instead of ~50 ms, docs/BENCHMARKS.md
   * "Live path on Kafka"). The embedded adapter writes atomically either way: one PostgreSQL
   * transaction satisfies both.
   */
  readonly outputDelivery?: 'atomic' | 'at-least-once';
  /**
   * Called once per batch; the checkpoint advances past the batch only after it resolves.
   * A rejection stops the subscription (the batch is delivered again to whoever resumes).
   */
  readonly handler: BatchHandler;
}

export interface Subscription {
  /** Finishes the batch in flight, checkpoints it, and leaves the group. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop, rejects on a handler or transport failure. */
  readonly done: Promise<void>;
}

export interface ReadRangeOptions {
  readonly topic: string;
  /** Partitions to read; default all. */
  readonly partitions?: readonly number[];
  /** Inclusive lower bound: an offset (per partition) or an epoch-ms timestamp. */
  readonly from?: { readonly offset: number } | { readonly timestamp: number };
  /** Exclusive upper bound; default the end of each partition when the read starts. */
  readonly to?: { readonly offset: number } | { readonly timestamp: number };
  readonly batchSize?: number;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor?: number;
  readonly config?: Record<string, string>;
}

export interface PartitionDescription {
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: number;
  /** Next offset to be written (the end). */
  readonly high: number;
}

export interface TopicDescription {
  readonly topic: string;
  readonly partitions: readonly PartitionDescription[];
}

export interface LedgerLog {
  /** Resolves once every record is durably in the log (Kafka: acks=all; embedded: committed). */
  append(records: readonly AppendRecord[]): Promise<AppendResult[]>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Records of one topic in offset order per partition, batch by batch; partitions one after another. */
  readRange(options: ReadRangeOptions): AsyncIterable<readonly LogRecord[]>;
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  describeTopic(topic: string): Promise<TopicDescription>;
  /** Committed checkpoint (next offset to read) per partition for a group, for lag. */
  groupOffsets(group: string, topic: string): Promise<ReadonlyMap<number, number>>;
  /**
   * Sets checkpoints of `group` on `topic` for the partitions where it has none (a new group
   * taking over where another one stopped); partitions with a checkpoint keep it. Call it while
   * no member of the group runs (Kafka refuses to set the offsets of an active group).
   * Resolves to the partitions it set.
   */
  seedGroupOffsets(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<number[]>;
  close(): Promise<void>;
}
