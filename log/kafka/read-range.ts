// readRange on kafkajs, which has no manual partition assignment: a throwaway consumer group
// that never commits, reading one partition at a time (the others paused) from its start
// offset until the end captured when the read began. Batches are handed over one at a time:
// the consumer waits until the caller has taken the previous batch (backpressure).
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { LogRecord, ReadRangeOptions } from '../port.ts';
import { toLogRecord } from './records.ts';
import { topicOffsets } from './topic-offsets.ts';

interface PartitionRange {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

async function resolveBound(
  admin: Admin, topic: string,
  bound: { readonly offset: number } | { readonly timestamp: number } | undefined,
  fallback: Map<number, number>,
): Promise<Map<number, number>> {
  if (bound === undefined) return fallback;
  if ('offset' in bound) return new Map([...fallback.keys()].map((partition) => [partition, bound.offset]));
  // First offset whose timestamp is >= the bound, or the end when there is none.
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, bound.timestamp);
  return new Map(found.map(({ partition, offset }) => [partition, Number(offset)]));
}

export async function planRanges(admin: Admin, options: ReadRangeOptions): Promise<PartitionRange[]> {
  const offsets = await topicOffsets(admin, options.topic);
  const wanted = options.partitions ? new Set(options.partitions) : undefined;
  const lows = new Map(offsets.map((p) => [p.partition, Number(p.low)]));
  const highs = new Map(offsets.map((p) => [p.partition, Number(p.high)]));
  const starts = await resolveBound(admin, options.topic, options.from, lows);
  const ends = await resolveBound(admin, options.topic, options.to, highs);
  return [...highs.keys()]
    .filter((partition) => wanted === undefined || wanted.has(partition))
    .sort((a, b) => a - b)
    .map((partition) => ({
      partition,
      start: Math.max(lows.get(partition) ?? 0, starts.get(partition) ?? 0),
      end: Math.min(highs.get(partition) ?? 0, ends.get(partition) ?? 0),
    }))
    .filter((range) => range.start < range.end);
}

const stallCheckMs = 5_000;

async function logStart(admin: Admin, topic: string, partition: number): Promise<number> {
  const offsets = await topicOffsets(admin, topic);
  return Number(offsets.find((p) => p.partition === partition)?.low ?? 0);
}

export async function* readRange(kafka: Kafka, admin: Admin, clientId: string, options: ReadRangeOptions): AsyncIterable<readonly LogRecord[]> {
  const ranges = await planRanges(admin, options);
  if (ranges.length === 0) return;
  const { topic } = options;
  const batchSize = options.batchSize ?? 1000;
  const groupId = `${clientId}.read-range.${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId, readUncommitted: false, allowAutoTopicCreation: false, retry: { retries: 10, maxRetryTime: 5000 },
  });

  let consumerRunning = true;
  // A one-slot hand-over between the consumer (producer side) and this generator.
  type Slot = { batch: readonly LogRecord[] } | { end: true } | { error: unknown };
  const slots: Slot[] = [];
  let wakeReader: (() => void) | undefined;
  let wakeConsumer: (() => void) | undefined;
  const put = async (slot: Slot): Promise<void> => {
    if (!consumerRunning) return; // the reader has gone: nobody would take the slot, and disconnect waits for this batch
    slots.push(slot);
    wakeReader?.();
    if ('batch' in slot) await new Promise<void>((resolve) => { wakeConsumer = resolve; });
  };

  let current = 0;
  let next = ranges[0].start;
  const others = (index: number) => ranges.filter((_, i) => i !== index).map((r) => r.partition);

  async function advance(progress: number): Promise<void> {
    next = Math.max(next, progress);
    while (current < ranges.length && next >= ranges[current].end) {
      consumer.pause([{ topic, partitions: [ranges[current].partition] }]);
      current++;
      if (current === ranges.length) { await put({ end: true }); return; }
      next = ranges[current].start;
      consumer.seek({ topic, partition: ranges[current].partition, offset: String(next) });
      consumer.resume([{ topic, partitions: [ranges[current].partition] }]);
    }
  }

  // kafkajs drops its consumer group when the consumer crashes and restarts (e.g. while a freshly
  // started broker's group coordinator loads): pause/seek before a join throws, and a restart
  // forgets them. So the read positions itself after every join, and only a crash kafkajs will
  // not restart from fails the read.
  let joined: () => void = () => undefined;
  const firstJoin = new Promise<void>((resolve) => { joined = resolve; });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (current < ranges.length) {
      consumer.pause([{ topic, partitions: others(current) }]);
      consumer.seek({ topic, partition: ranges[current].partition, offset: String(next) });
    }
    joined();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) void put({ error: event.payload.error });
  });
  // Batches made only of transaction markers never reach eachBatch; they still move us on.
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const { partition, batchSize: size, lastOffset } = event.payload;
    if (size === 0 && current < ranges.length && partition === ranges[current].partition && consumerRunning) {
      advance(Number(lastOffset) + 1).catch((error: unknown) => put({ error }));
    }
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isStale }) => {
        if (current >= ranges.length || batch.partition !== ranges[current].partition || isStale()) return;
        const { end } = ranges[current];
        const records = batch.messages
          .map((message) => toLogRecord(topic, batch.partition, message))
          .filter((record) => record.offset >= next && record.offset < end);
        for (let i = 0; i < records.length; i += batchSize) await put({ batch: records.slice(i, i + batchSize) });
        resolveOffset(batch.lastOffset());
        await advance(Number(batch.lastOffset()) + 1);
      },
    });
    await firstJoin;

    for (;;) {
      const slot = slots.shift();
      if (slot === undefined) {
        const woken = await new Promise<boolean>((resolve) => {
          wakeReader = () => resolve(true);
          setTimeout(() => resolve(false), stallCheckMs).unref();
        });
        wakeReader = undefined;
        // Nothing for a while: records below the end may have been deleted (retention) since
        // the read began, and an empty partition yields no batch to tell us. Move to the log start.
        if (!woken && current < ranges.length) await advance(await logStart(admin, topic, ranges[current].partition));
        continue;
      }
      if ('error' in slot) throw slot.error;
      if ('end' in slot) return;
      const release = wakeConsumer;
      wakeConsumer = undefined;
      let taken = false;
      try {
        yield slot.batch;
        taken = true;
      } finally {
        // Stopped at this batch (return() or throw()): the consumer must not wait for a reader.
        if (!taken) consumerRunning = false;
        release?.();
      }
    }
  } finally {
    consumerRunning = false;
    wakeConsumer?.();
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
