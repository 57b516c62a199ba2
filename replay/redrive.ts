// Re-drive: copies a range of a topic (offsets, or record times) into a target topic, after a
// consumer bug for instance, keeping each record's key, headers, value and timestamp. Records are
// read partition by partition in offset order and appended in that order, so every key (which
// lives in one partition) keeps its order. When the target has as many partitions as the source,
// each record keeps its partition too (an exact mirror); otherwise the key chooses it. A dry run
// only counts what would be copied.
import type { AppendRecord, LedgerLog, LogRecord, ReadRangeOptions } from '../log/port.ts';

export type RedriveRange =
  | { readonly kind: 'offsets'; readonly fromOffset: number; readonly toOffset?: number }
  | { readonly kind: 'time'; readonly fromTime: number; readonly toTime?: number };

export interface RedriveOptions {
  readonly source: LedgerLog;
  /** Default: the source log. */
  readonly target?: LedgerLog;
  readonly topic: string;
  readonly to: string;
  /** From inclusive, to exclusive (per partition for offsets); an absent upper bound is the end at the start of the run. */
  readonly range: RedriveRange;
  readonly dryRun?: boolean;
  readonly batchSize?: number;
  readonly onProgress?: (progress: { readonly partition: number; readonly copied: number; readonly total: number }) => void;
}

export interface PartitionCount {
  readonly partition: number;
  readonly records: number;
  /** First and last source offsets in the range (null when empty). */
  readonly firstOffset: number | null;
  readonly lastOffset: number | null;
}

export interface RedriveReport {
  readonly topic: string;
  readonly to: string;
  readonly dryRun: boolean;
  readonly records: number;
  readonly copied: number;
  readonly partitions: readonly PartitionCount[];
  /** Whether records kept their partition (target with the same partition count). */
  readonly keptPartitions: boolean;
}

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
  readonly retriable = false;
}

function bounds(range: RedriveRange): Pick<ReadRangeOptions, 'from' | 'to'> {
  if (range.kind === 'offsets') {
    if (!Number.isInteger(range.fromOffset) || range.fromOffset < 0) throw new RedriveError(`--from-offset: must be a non-negative integer, got ${range.fromOffset}`);
    if (range.toOffset !== undefined && (!Number.isInteger(range.toOffset) || range.toOffset < range.fromOffset)) {
      throw new RedriveError(`--to-offset: must be an integer ≥ --from-offset, got ${range.toOffset}`);
    }
    return { from: { offset: range.fromOffset }, to: range.toOffset === undefined ? undefined : { offset: range.toOffset } };
  }
  if (!Number.isFinite(range.fromTime)) throw new RedriveError('--from-time: not a time');
  if (range.toTime !== undefined && !(range.toTime >= range.fromTime)) throw new RedriveError('--to-time: must be a time not before --from-time');
  return { from: { timestamp: range.fromTime }, to: range.toTime === undefined ? undefined : { timestamp: range.toTime } };
}

/** Fixes each partition's upper offset now, so records appended during the run (possibly by the re-drive itself) are not read. */
async function plan(log: LedgerLog, topic: string, range: RedriveRange, batchSize: number): Promise<{ partitions: PartitionCount[]; ranges: Map<number, { from: number; to: number }> }> {
  const { from, to } = bounds(range);
  const description = await log.describeTopic(topic);
  const partitions: PartitionCount[] = [];
  const ranges = new Map<number, { from: number; to: number }>();
  for (const { partition, high } of description.partitions) {
    let records = 0;
    let firstOffset: number | null = null;
    let lastOffset: number | null = null;
    for await (const batch of log.readRange({ topic, partitions: [partition], from, to: to ?? { offset: high }, batchSize })) {
      if (batch.length === 0) continue;
      firstOffset ??= batch[0].offset;
      lastOffset = batch[batch.length - 1].offset;
      records += batch.length;
    }
    partitions.push({ partition, records, firstOffset, lastOffset });
    if (firstOffset !== null && lastOffset !== null) ranges.set(partition, { from: firstOffset, to: lastOffset + 1 });
  }
  return { partitions, ranges };
}

function copyOf(record: LogRecord, topic: string, keepPartition: boolean): AppendRecord {
  return {
    topic,
    key: record.key,
    value: record.value,
    headers: { ...record.headers },
    timestamp: record.timestamp,
    ...(keepPartition ? { partition: record.partition } : {}),
  };
}

export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
  const target = options.target ?? options.source;
  if (target === options.source && options.topic === options.to) throw new RedriveError(`--to: the target must differ from the source topic '${options.topic}'`);
  const batchSize = options.batchSize ?? 1000;
  const { partitions, ranges } = await plan(options.source, options.topic, options.range, batchSize);
  const records = partitions.reduce((sum, p) => sum + p.records, 0);
  const sourcePartitions = partitions.length;
  if (options.dryRun) return { topic: options.topic, to: options.to, dryRun: true, records, copied: 0, partitions, keptPartitions: false };

  await target.createTopics([{ topic: options.to, partitions: sourcePartitions }]);
  const targetPartitions = (await target.describeTopic(options.to)).partitions.length;
  const keepPartitions = targetPartitions === sourcePartitions;
  let copied = 0;
  for (const [partition, range] of ranges) {
    for await (const batch of options.source.readRange({ topic: options.topic, partitions: [partition], from: { offset: range.from }, to: { offset: range.to }, batchSize })) {
      if (batch.length === 0) continue;
      await target.append(batch.map((record) => copyOf(record, options.to, keepPartitions)));
      copied += batch.length;
      options.onProgress?.({ partition, copied, total: records });
    }
  }
  return { topic: options.topic, to: options.to, dryRun: false, records, copied, partitions, keptPartitions: keepPartitions };
}
