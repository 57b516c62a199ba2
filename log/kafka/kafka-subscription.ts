// One member of a consumer group: batches from kafkajs (eachBatch), cut to maxBatchSize,
// handed to the handler; the checkpoint advances only after the handler resolves. A batch
// whose handler staged output commits output and checkpoint in one transaction
// (transactional-outputs.ts), or, for an at-least-once subscription, appends the output and
// then checkpoints; any other batch commits its checkpoint directly.
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { AppendRecord, LogRecord, SubscribeOptions, Subscription } from '../port.ts';
import { AtLeastOnceOutputs } from './at-least-once-outputs.ts';
import type { LogSink } from './log-sink.ts';
import { toLogRecord } from './records.ts';
import type { TopicPartitions } from './topic-partitions.ts';
import { TransactionalOutputs } from './transactional-outputs.ts';

export interface KafkaSubscriptionDeps {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly partitions: TopicPartitions;
  readonly clientId: string;
  readonly logger: LogSink;
  readonly transactionTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly partitionsConsumedConcurrently: number;
}

const defaultMaxBatchSize = 1000;

const MB = 1024 * 1024;
/** Generous bytes per ledger record in a fetch (an Avro value, headers, record overhead: ~300). */
const FETCH_BYTES_PER_RECORD = 512;

/**
 * Bytes a fetch may bring per partition: enough for a whole `maxBatchSize` batch, never below
 * kafkajs' default of 1 MB (nor above 32 MB). The broker answers a fetch as soon as it has data,
 * so a larger limit costs no latency; it only fills when there is a backlog, which is then worked
 * through in fewer, larger batches (the projections catch up ~25% faster with batches of 20,000
 * than with the ~3,300 records 1 MB holds: docs/BENCHMARKS.md).
 */
export function fetchBytesPerPartition(maxBatchSize: number): number {
  return Math.min(32 * MB, Math.max(MB, maxBatchSize * FETCH_BYTES_PER_RECORD));
}

/**
 * The broker no longer counts this consumer as a member of the generation (evicted after a batch
 * outlived the session timeout, or a rebalance started). kafkajs rejoins the group when such an
 * error reaches it from eachBatch, and the uncommitted records are delivered again to whoever
 * owns the partition then; ending the subscription instead would stop a projection for good.
 */
function lostGroupMembership(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'UNKNOWN_MEMBER_ID' || type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'NOT_COORDINATOR_FOR_GROUP';
}

export async function startKafkaSubscription(deps: KafkaSubscriptionDeps, options: SubscribeOptions): Promise<Subscription> {
  const { group } = options;
  const maxBatchSize = options.maxBatchSize ?? defaultMaxBatchSize;
  const atLeastOnce = options.outputDelivery === 'at-least-once';
  const fetchBytes = fetchBytesPerPartition(maxBatchSize);
  const consumer: Consumer = deps.kafka.consumer({
    groupId: group,
    readUncommitted: false,
    maxBytesPerPartition: fetchBytes,
    maxBytes: Math.max(10 * MB, 4 * fetchBytes),
    allowAutoTopicCreation: false,
    sessionTimeout: deps.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(deps.sessionTimeoutMs / 10)),
    retry: { retries: 10, maxRetryTime: 5000 },
  });
  const outputs = new TransactionalOutputs({
    kafka: deps.kafka, admin: deps.admin, partitions: deps.partitions,
    clientId: deps.clientId, group, transactionTimeoutMs: deps.transactionTimeoutMs,
  });

  const atLeastOnceOutputs = new AtLeastOnceOutputs(deps.kafka, deps.partitions);

  let generation = 0;
  let stopping = false;
  let failure: unknown;
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  done.catch(() => undefined); // observed by whoever awaits `done`; never an unhandled rejection

  // Checkpoints of batches without a transaction are committed in the background, in order: the
  // next fetch (for every partition of this consumer: kafkajs fetches again only when all batches
  // of a fetch returned) need not wait a coordinator round trip. A checkpoint lost with a crash
  // only means the records after the previous one are delivered again, which every such
  // subscription handles (projections keep their own checkpoints; at-least-once outputs are
  // dropped by position). Flushed before the group is left.
  let commits: Promise<void> = Promise.resolve();
  function commitInBackground(topic: string, partition: number, offset: number): void {
    commits = commits
      .then(() => consumer.commitOffsets([{ topic, partition, offset: String(offset) }]))
      .catch((error: unknown) => {
        deps.logger.warn({ group, topic, partition, offset, err: (error as Error).message }, 'checkpoint commit failed; the records after the previous checkpoint will be delivered again');
      });
  }

  let shutdown: Promise<void> | undefined;
  function finish(): Promise<void> {
    shutdown ??= (async () => {
      stopping = true;
      try {
        await commits;
        await consumer.stop(); // waits for the batch in flight (which flushes its own checkpoint), then leaves the group
        await consumer.disconnect(); // leaves the group
      } finally {
        await Promise.all([outputs.close(), atLeastOnceOutputs.close()]);
      }
      if (failure === undefined) settle.resolve();
      else settle.reject(failure);
    })();
    return shutdown;
  }
  function fail(error: unknown): void {
    if (failure !== undefined) return;
    failure = error;
    deps.logger.error({ group, err: (error as Error).message }, 'subscription stopped by a failure');
    // Not awaited here: consumer.stop() waits for the batch that is calling us.
    setImmediate(() => { finish().catch((e: unknown) => settle.reject(e)); });
  }

  consumer.on(consumer.events.GROUP_JOIN, () => { generation++; });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(event.payload.error);
  });

  async function handleChunk(payload: EachBatchPayload, records: readonly LogRecord[]): Promise<'done' | 'committed' | 'rewound'> {
    const { topic, partition } = payload.batch;
    const staged: AppendRecord[] = [];
    await options.handler({ topic, partition, records, assignmentEpoch: generation }, { append: (more) => { staged.push(...more); } });
    const first = records[0].offset;
    const next = records[records.length - 1].offset + 1;
    if (staged.length > 0 && atLeastOnce) {
      // Durable before the checkpoint moves: a crash in between appends the outputs again, and
      // their consumers drop them by position (see SubscribeOptions.outputDelivery).
      await atLeastOnceOutputs.append(staged);
      payload.resolveOffset(String(next - 1));
      return 'done';
    }
    if (staged.length > 0) {
      await commits; // a background checkpoint landing after this transaction would move the group back
      const outcome = await outputs.commit(topic, partition, generation, first, next, staged);
      if (outcome.kind === 'already-committed') {
        deps.logger.warn({ group, topic, partition, from: first, to: outcome.offset }, 'batch already processed by a previous owner; skipping it');
        payload.resolveOffset(String(outcome.offset - 1));
        consumer.seek({ topic, partition, offset: String(outcome.offset) });
        return 'rewound';
      }
    }
    payload.resolveOffset(String(next - 1));
    return staged.length > 0 ? 'committed' : 'done';
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const all = batch.messages.map((message) => toLogRecord(topic, partition, message));
    // Chunks without a transaction are checkpointed together, once per fetched batch (or before
    // leaving early), in the background.
    let uncommitted: number | undefined;
    const commitProgress = async (): Promise<void> => {
      if (uncommitted !== undefined) commitInBackground(topic, partition, uncommitted);
      uncommitted = undefined;
      if (stopping) await commits;
    };
    try {
      for (let start = 0; start < all.length; start += maxBatchSize) {
        if (failure !== undefined || !payload.isRunning() || payload.isStale()) break;
        const chunk = all.slice(start, start + maxBatchSize);
        let outcome: 'done' | 'committed' | 'rewound';
        try {
          outcome = await handleChunk(payload, chunk);
        } catch (error) {
          if (lostGroupMembership(error)) throw error;
          fail(error);
          break;
        }
        if (outcome === 'rewound') {
          uncommitted = undefined; // the previous owner's checkpoint is further on: never move it back
          break;
        }
        uncommitted = outcome === 'done' ? chunk[chunk.length - 1].offset + 1 : undefined;
        if (stopping) break; // stop(): finish the chunk in flight, not the whole fetch
        await payload.heartbeat();
      }
      await commitProgress();
    } catch (error) {
      if (lostGroupMembership(error)) {
        deps.logger.warn({ group, topic, partition, err: (error as Error).message }, 'lost group membership; rejoining (uncommitted records are delivered again)');
        throw error;
      }
      fail(error);
    }
  }

  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: (options.startFrom ?? 'earliest') === 'earliest' });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: options.concurrentPartitions ? deps.partitionsConsumedConcurrently : 1, eachBatch });
  return { stop: finish, done };
}
