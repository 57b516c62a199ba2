// Keeps read models current from the log. A read model with no built version is first built
// by a rebuild (so readers never see it half-built); then one log subscription feeds all of
// them. Each read model's own checkpoint (written with its rows) is the truth: records below it
// are skipped, and when the group's checkpoint is ahead of it (a version just swapped in by a
// rebuild, a read model added to the group), the gap is read with readRange first. The group
// checkpoint is therefore only where reading resumes, an optimisation.
import type { Knex } from 'knex';
import type { LedgerLog, LogRecord, RecordBatch, Subscription } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import { ProjectionConflictError, ProjectionProcessor, type BatchResult } from './processor.ts';
import type { ReadModel } from './read-model.ts';
import { rebuild, type RebuildProgress } from './rebuild.ts';
import type { ProjectionStore } from './store.ts';

export interface LiveProjectionsOptions {
  readonly knex: Knex;
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly store: ProjectionStore;
  readonly models: readonly ReadModel[];
  /** Consumer group (default `projections`). */
  readonly group?: string;
  /**
   * Records per batch at most (default 20,000): under a backlog, each batch costs one document
   * look-up and one transaction per read model, so larger batches catch up faster; caught up,
   * batches are as small as what arrived.
   */
  readonly maxBatchSize?: number;
  readonly onBatch?: (batch: RecordBatch, result: BatchResult) => void;
  readonly onBuildProgress?: (progress: RebuildProgress) => void;
  /** A record that cannot be decoded (not retriable): reported here and skipped. Default: a warning on stderr. */
  readonly onPoison?: (record: LogRecord, error: Error) => void;
  /** A batch failed for a passing reason and is projected again (see isTransient). */
  readonly onRetry?: (error: Error, attempt: number) => void;
}

/**
 * Failures that projecting the same batch again clears: another worker moved a checkpoint under
 * this one (a rebalance moved the partition), or PostgreSQL chose this transaction as the victim
 * of a serialization failure or a deadlock. The processor has dropped its caches; the retry reads
 * the committed checkpoints, skips what they cover and reads back any gap.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof ProjectionConflictError) return true;
  const code = (error as { code?: unknown }).code;
  return code === '40001' || code === '40P01';
}

/** Attempts per batch before the failure ends the subscription (backoff 100 ms, doubling). */
const ATTEMPTS = 5;

export interface LiveProjections {
  readonly subscription: Subscription;
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

export async function startProjections(options: LiveProjectionsOptions): Promise<LiveProjections> {
  const { store, models, knex, codec, log } = options;
  await store.init();
  const names = models.map((m) => m.name);
  const current = await store.currentVersions(names);
  const toBuild = models.filter((m) => !current.has(m.name));
  if (toBuild.length > 0) await rebuild({ knex, log, codec, store, models: toBuild, onProgress: options.onBuildProgress, onPoison: options.onPoison });

  let versions = new Map<string, number>();
  let processor: ProjectionProcessor | undefined;
  const processorFor = async (): Promise<ProjectionProcessor> => {
    const latest = await store.currentVersions(names);
    const changed = !processor || names.some((n) => latest.get(n) !== versions.get(n));
    if (changed) {
      const missing = names.filter((n) => !latest.has(n));
      if (missing.length > 0) throw new Error(`read models without a built version: ${missing.join(', ')}`);
      versions = latest;
      await processor?.flush();
      processor = new ProjectionProcessor({ knex, codec, onPoison: options.onPoison, targets: models.map((model) => ({ model, schema: store.versionSchema(model.name, latest.get(model.name) as number) })) });
    }
    return processor as ProjectionProcessor;
  };

  // Batches and recoveries run one at a time: the processor folds one batch while committing the last.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  /** Projects the records of a partition from the read models' lowest checkpoint up to `end` (the gap a failed or skipped commit left). */
  const fillGap = async (worker: ProjectionProcessor, topic: string, partition: number, end: number): Promise<void> => {
    const lowest = await worker.lowestCheckpoint(topic, partition);
    if (lowest === null || lowest >= end) return;
    for await (const records of log.readRange({ topic, partitions: [partition], from: { offset: lowest }, to: { offset: end }, batchSize: 10_000 })) {
      await worker.process(records);
    }
  };

  const reported = new WeakSet<object>();
  /** Runs `attempt` again while it fails for a passing reason, up to ATTEMPTS times. */
  const withRetries = async (attempt: () => Promise<void>, firstFailure?: unknown): Promise<void> => {
    let failure = firstFailure;
    for (let tries = firstFailure === undefined ? 0 : 1; ; tries += 1) {
      if (failure !== undefined) {
        if (tries >= ATTEMPTS || !isTransient(failure)) throw failure;
        // One failed commit can be met twice: by the next batch (of another partition) and by
        // the recovery of its own batch.
        if (!reported.has(failure as object)) options.onRetry?.(failure as Error, tries);
        reported.add(failure as object);
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (tries - 1)));
      }
      try {
        await attempt();
        return;
      } catch (error) {
        failure = error;
      }
    }
  };

  let stoppedBy: unknown;
  // Set once subscribed (a batch may be delivered before log.subscribe returns).
  const subscribedTo: { subscription?: Subscription } = {};
  const project = async (batch: RecordBatch): Promise<void> => {
    if (stoppedBy !== undefined) throw stoppedBy;
    const worker = await processorFor();
    // Fill the gap between the read models' checkpoints and what the group delivered.
    await fillGap(worker, batch.topic, batch.partition, batch.records[0].offset);
    // Folded now, committed while the next batch is read: the group checkpoint may run one batch
    // ahead of the read models' own checkpoints, which is harmless (the gap is read back above).
    const result = await worker.processPipelined(batch.records);
    options.onBatch?.(batch, result);
    // A failed commit is found by the next batch, but none may come for a while (a quiet
    // night): the batch is projected again now, from the committed checkpoints.
    const end = batch.records[batch.records.length - 1].offset + 1;
    worker.commitInFlight?.catch((failure: unknown) => {
      void exclusive(async () => {
        if (worker !== processor) return; // a new version took over: it reads from its own checkpoints
        await worker.flush().catch(() => undefined); // the failure, once: the caches are dropped
        const lowest = await worker.lowestCheckpoint(batch.topic, batch.partition);
        if (lowest === null || lowest >= end) return; // the next batch came first and filled the gap
        await withRetries(() => fillGap(worker, batch.topic, batch.partition, end), failure);
      }).catch((error: unknown) => {
        // Not passing: the subscription ends with it, as if the next batch had failed.
        stoppedBy ??= error;
        void subscribedTo.subscription?.stop();
      });
    });
  };

  const handler = (batch: RecordBatch): Promise<void> => {
    if (batch.records.length === 0) return Promise.resolve();
    return exclusive(() => withRetries(() => project(batch)));
  };

  const topics = [...new Set(models.flatMap((m) => m.topics))];
  const subscribed = await log.subscribe({ group: options.group ?? 'projections', topics, startFrom: 'earliest', maxBatchSize: options.maxBatchSize ?? 20_000, handler });
  subscribedTo.subscription = subscribed;
  return {
    subscription: subscribed,
    async stop() {
      await subscribed.stop();
      await queue; // a recovery under way
      await processor?.flush();
    },
    done: subscribed.done.then(async () => {
      if (stoppedBy !== undefined) throw stoppedBy;
      await processor?.flush();
    }),
  };
}
