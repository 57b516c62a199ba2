// Keeps read models current from the log. A read model with no built version is first built
// by a rebuild (so readers never see it half-built); then one log subscription feeds all of
// them. Each read model's own checkpoint (written with its rows) is the truth: records below it
// are skipped, and when the group's checkpoint is ahead of it (a version just swapped in by a
// rebuild, a read model added to the group), the gap is read with readRange first. The group
// checkpoint is therefore only where reading resumes, an optimisation.
import type { Knex } from 'knex';
import type { LedgerLog, LogRecord, RecordBatch, Subscription } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import { ProjectionProcessor, type BatchResult } from './processor.ts';
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
}

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

  const handler = async (batch: RecordBatch): Promise<void> => {
    if (batch.records.length === 0) return;
    const worker = await processorFor();
    const first = batch.records[0].offset;
    const lowest = await worker.lowestCheckpoint(batch.topic, batch.partition);
    if (lowest !== null && lowest < first) {
      // Fill the gap between the read models' checkpoints and what the group delivered.
      for await (const records of log.readRange({ topic: batch.topic, partitions: [batch.partition], from: { offset: lowest }, to: { offset: first }, batchSize: 10_000 })) {
        await worker.process(records);
      }
    }
    // Folded now, committed while the next batch is read: the group checkpoint may run one batch
    // ahead of the read models' own checkpoints, which is harmless (the gap is read back above).
    const result = await worker.processPipelined(batch.records);
    options.onBatch?.(batch, result);
  };

  const topics = [...new Set(models.flatMap((m) => m.topics))];
  const subscription = await log.subscribe({ group: options.group ?? 'projections', topics, startFrom: 'earliest', maxBatchSize: options.maxBatchSize ?? 20_000, handler });
  return {
    subscription,
    async stop() {
      await subscription.stop();
      await processor?.flush();
    },
    done: subscription.done.then(() => processor?.flush()),
  };
}
