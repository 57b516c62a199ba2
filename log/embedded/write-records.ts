// Writes records into the events table inside a transaction the caller owns: used by plain
// appends and by a consumer's batch commit (so output and checkpoint commit together).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AppendRecord, AppendResult } from '../port.ts';
import { copyHeader, copyTrailer, encodeRows, eventColumns, type EventRow } from './copy-binary.ts';
import { partitionForKey, toPositive } from './murmur2.ts';

/** Rows encoded per chunk written to the COPY stream. */
const copyChunk = 2000;

function* copyChunks(rows: readonly EventRow[]): Generator<Buffer> {
  yield copyHeader();
  for (let start = 0; start < rows.length; start += copyChunk) yield encodeRows(rows.slice(start, start + copyChunk));
  yield copyTrailer();
}

export interface PartitionChooser {
  /** Kafka's default partitioner: murmur2 of the key; a null key goes round robin. */
  choose(topic: string, key: string | null, partitions: number): number;
}

export function defaultPartitionChooser(): PartitionChooser {
  const counters = new Map<string, number>();
  return {
    choose(topic, key, partitions) {
      if (key !== null) return partitionForKey(key, partitions);
      const next = (counters.get(topic) ?? Math.floor(Math.random() * 0x7fffffff)) + 1;
      counters.set(topic, next);
      return toPositive(next) % partitions;
    },
  };
}

interface PartitionGroup {
  readonly topic: string;
  readonly partition: number;
  readonly indexes: number[];
}

export async function writeRecords(
  client: PoolClient,
  tables: string,
  notifyChannel: string,
  records: readonly AppendRecord[],
  partitionCount: (topic: string) => number,
  chooser: PartitionChooser,
): Promise<AppendResult[]> {
  const groups = new Map<string, PartitionGroup>();
  records.forEach((record, index) => {
    const partitions = partitionCount(record.topic);
    const partition = record.partition ?? chooser.choose(record.topic, record.key, partitions);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw new Error(`topic '${record.topic}' has no partition ${partition}`);
    }
    const id = `${record.topic}\u0000${partition}`;
    let group = groups.get(id);
    if (!group) {
      group = { topic: record.topic, partition, indexes: [] };
      groups.set(id, group);
    }
    group.indexes.push(index);
  });
  const ordered = [...groups.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));

  // Lock the partition heads in a fixed order (topic, partition), so concurrent multi-partition
  // appends cannot deadlock, and learn where each partition continues. The locks are held until
  // commit: the next append to these partitions waits, so offsets stay gapless and commit in order.
  const heads = await client.query<{ topic: string; partition: number; next_offset: string }>(
    `select h.topic, h.partition, h.next_offset from ${tables}.partition_heads h
     join unnest($1::text[], $2::int[]) as c(topic, partition) on h.topic = c.topic and h.partition = c.partition
     order by h.topic, h.partition
     for update of h`,
    [ordered.map((group) => group.topic), ordered.map((group) => group.partition)],
  );
  if (heads.rows.length !== ordered.length) {
    const found = new Set(heads.rows.map((row) => `${row.topic}\u0000${row.partition}`));
    const missing = ordered.find((group) => !found.has(`${group.topic}\u0000${group.partition}`));
    throw new Error(`topic '${missing?.topic}' has no partition ${missing?.partition}`);
  }
  const rows: EventRow[] = [];
  const results = new Array<AppendResult>(records.length);
  const now = Date.now();
  ordered.forEach((group, groupIndex) => {
    const base = Number(heads.rows[groupIndex].next_offset);
    group.indexes.forEach((recordIndex, i) => {
      const record = records[recordIndex];
      rows.push({
        topic: group.topic,
        partition: group.partition,
        offset: base + i,
        key: record.key,
        headers: JSON.stringify(record.headers ?? {}),
        value: record.value,
        timestamp: record.timestamp ?? now,
      });
      results[recordIndex] = { topic: group.topic, partition: group.partition, offset: base + i };
    });
  });

  // Advance the heads and notify listeners (NOTIFY is delivered on commit only, so a listener
  // never wakes for records it cannot yet see).
  await client.query(
    `with advanced as (
       update ${tables}.partition_heads h set next_offset = h.next_offset + c.n
       from unnest($1::text[], $2::int[], $3::int[]) as c(topic, partition, n)
       where h.topic = c.topic and h.partition = c.partition)
     select pg_notify($4, t) from unnest($5::text[]) as t`,
    [
      ordered.map((group) => group.topic),
      ordered.map((group) => group.partition),
      ordered.map((group) => group.indexes.length),
      notifyChannel,
      [...new Set(ordered.map((group) => group.topic))],
    ],
  );
  await pipeline(
    Readable.from(copyChunks(rows)),
    client.query(copyFrom(`copy ${tables}.events ${eventColumns} from stdin with (format binary)`)),
  );
  return results;
}
