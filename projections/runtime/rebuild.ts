// Rebuild: replays the log from offset zero into a fresh version of each chosen read model
// (or resumes the unfinished one from its own checkpoints), then swaps all of them in at once.
// One read of the log feeds every read model being rebuilt. Reading the next batch overlaps
// writing the current one. Progress is reported through a callback (the CLI draws a bar).
import type { Knex } from 'knex';
import type { LedgerLog, LogRecord } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import { ProjectionProcessor } from './processor.ts';
import type { ReadModel } from './read-model.ts';
import type { ProjectionStore } from './store.ts';

export interface RebuildProgress {
  readonly readModels: readonly string[];
  readonly phase: 'reading' | 'catching-up' | 'swapped';
  /** Records read in this rebuild (all passes). */
  readonly processed: number;
  /** Records to read in the current pass, from the checkpoints to the end of the log when it began. */
  readonly total: number;
  readonly eventsPerSecond: number;
  /** Seconds left at the current rate, null before the rate is known. */
  readonly etaSeconds: number | null;
}

export interface RebuildOptions {
  readonly knex: Knex;
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly store: ProjectionStore;
  readonly models: readonly ReadModel[];
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * Records per read (and per transaction). Default 50,000: more rows of a counter or state table
   * merge in memory before they are written (10,000 ran at about 2/3 of the rate).
   */
  readonly batchSize?: number;
  /** Passes over the log tail before swapping; a pass that reads at most `caughtUpWithin` records ends it. */
  readonly maxPasses?: number;
  readonly caughtUpWithin?: number;
  /** Stop before swapping (tests of interrupted rebuilds; a later rebuild resumes). */
  readonly signal?: AbortSignal;
  /** A record that cannot be decoded (not retriable): reported here and skipped. Default: a warning on stderr. */
  readonly onPoison?: (record: LogRecord, error: Error) => void;
  /** Milliseconds between progress reports (default 500). */
  readonly progressEveryMs?: number;
  /**
   * Entity documents held in memory per read model; past it the least recently changed are dropped
   * (ProcessorOptions). Default 12,000: a batch of 50,000 records touches some 5,000 entities of a
   * read model, and a small heap keeps the garbage collector's work flat over a long log (over a
   * 2-million-event rebuild: 70k events/s at 8,000–12,000, 66–69k at 20,000, 60k at 30,000; at
   * 300,000 the rate fell from 74k to 45k events/s as the rebuild went on).
   */
  readonly maxCachedDocuments?: number;
}

export interface RebuildResult {
  readonly versions: ReadonlyMap<string, number>;
  readonly records: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly resumed: boolean;
}

export class RebuildAbortedError extends Error {
  override readonly name = 'RebuildAbortedError';
}

/** Selects read models by name, or all of them for `all`. */
export function selectReadModels(all: readonly ReadModel[], name: string): ReadModel[] {
  if (name === 'all') return [...all];
  const found = all.filter((m) => m.name === name);
  if (found.length === 0) throw new Error(`unknown read model '${name}' (known: ${all.map((m) => m.name).join(', ')}, all)`);
  return found;
}

export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { store, models } = options;
  await store.init();
  const targets = [];
  let resumed = false;
  for (const model of models) {
    const build = await store.beginBuild(model);
    resumed ||= build.resumed;
    targets.push({ model, schema: build.schema, empty: !build.resumed });
  }
  const processor = new ProjectionProcessor({ knex: options.knex, codec: options.codec, targets, onPoison: options.onPoison, maxCachedDocuments: options.maxCachedDocuments ?? 12_000 });
  const topics = [...new Set(models.flatMap((m) => m.topics))];
  const batchSize = options.batchSize ?? 50_000;
  const started = Date.now();
  let processed = 0;
  let lastReport = 0;
  const names = models.map((m) => m.name);
  const report = (phase: RebuildProgress['phase'], total: number, passProcessed: number, force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReport < (options.progressEveryMs ?? 500))) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? processed / seconds : 0;
    options.onProgress({ readModels: names, phase, processed, total, eventsPerSecond: Math.round(rate), etaSeconds: rate > 0 ? Math.max(0, (total - passProcessed) / rate) : null });
  };

  const maxPasses = options.maxPasses ?? 5;
  const caughtUpWithin = options.caughtUpWithin ?? 10_000;
  for (let pass = 0; pass < maxPasses; pass += 1) {
    const phase = pass === 0 ? 'reading' : 'catching-up';
    const ranges: { topic: string; partition: number; from: number; to: number }[] = [];
    for (const topic of topics) {
      const description = await options.log.describeTopic(topic).catch((error: Error) => {
        if (/unknown topic|does not host|UNKNOWN_TOPIC/i.test(error.message)) return null;
        throw error;
      });
      if (!description) continue;
      for (const p of description.partitions) {
        const from = Math.max((await processor.lowestCheckpoint(topic, p.partition)) ?? 0, p.low);
        if (from < p.high) ranges.push({ topic, partition: p.partition, from, to: p.high });
      }
    }
    const total = ranges.reduce((sum, r) => sum + (r.to - r.from), 0);
    let passProcessed = 0;
    for (const range of ranges) {
      const batches = options.log.readRange({ topic: range.topic, partitions: [range.partition], from: { offset: range.from }, to: { offset: range.to }, batchSize })[Symbol.asyncIterator]();
      let next: Promise<IteratorResult<readonly LogRecord[]>> = batches.next();
      for (;;) {
        const current = await next;
        if (current.done) break;
        next = batches.next(); // read ahead while this batch is written
        next.catch(() => undefined);
        if (options.signal?.aborted) {
          await batches.return?.();
          await processor.flush();
          throw new RebuildAbortedError('rebuild interrupted; run it again to resume');
        }
        await processor.processPipelined(current.value);
        processed += current.value.length;
        passProcessed += current.value.length;
        report(phase, total, passProcessed);
      }
    }
    await processor.flush();
    report(phase, total, passProcessed, true);
    if (passProcessed <= caughtUpWithin) break;
  }
  if (options.signal?.aborted) throw new RebuildAbortedError('rebuild interrupted; run it again to resume');
  const versions = await store.swap(models);
  const seconds = (Date.now() - started) / 1000;
  report('swapped', processed, processed, true);
  return { versions, records: processed, seconds, eventsPerSecond: seconds > 0 ? Math.round(processed / seconds) : processed, resumed };
}
