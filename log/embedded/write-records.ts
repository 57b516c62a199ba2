// Writes records into the events table: used by plain appends and by a consumer's batch commit
// (inside its transaction, so output and checkpoint commit together). A small write is ONE
// statement (lock and advance the partition heads, insert the rows, notify), so a plain append is
// one round trip and holds the heads' locks only while PostgreSQL runs it; a large one advances
// the heads in one statement and loads the rows with binary COPY (faster per row, but a second
// statement, so it must run in a transaction the caller owns: see `needsTransaction`).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AppendRecord, AppendResult } from '../port.ts';
import { copyHeader, copyTrailer, encodeRows, eventColumns, type EventRow } from './copy-binary.ts';
import { partitionForKey, toPositive } from './murmur2.ts';

/** Rows encoded per chunk written to the COPY stream. */
const copyChunk = 2000;

/** Up to this many records are inserted by the one statement; more go through COPY. */
const oneStatementMaxRecords = 500;

/** Whether writing this many records takes more than one statement (so needs a transaction). */
export function needsTransaction(recordCount: number): boolean {
  return recordCount > oneStatementMaxRecords;
}

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

class MissingPartitionError extends Error {
  override readonly name = 'MissingPartitionError';
}

// Locks the partition heads in a fixed order (topic, partition), so concurrent multi-partition
// appends cannot deadlock, then advances them; `base` is where each partition continues. The locks
// are held until commit: the next append to these partitions waits, so offsets stay gapless and
// commit in order. (READ COMMITTED: the lock and the update both act on the newest committed
// version of a head, whatever the statement's snapshot saw.)
function advanceHeadsSql(tables: string): string {
  return `wanted as (select * from unnest($1::text[], $2::int[], $3::int[]) as w(topic, partition, n)),
     locked as materialized (
       select h.topic, h.partition from ${tables}.partition_heads h
       join wanted w on h.topic = w.topic and h.partition = w.partition
       order by h.topic, h.partition
       for update of h),
     advanced as (
       update ${tables}.partition_heads h set next_offset = h.next_offset + w.n
       from locked l join wanted w on w.topic = l.topic and w.partition = l.partition
       where h.topic = l.topic and h.partition = l.partition
       returning h.topic, h.partition, h.next_offset - w.n as base)`;
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
      throw new MissingPartitionError(`topic '${record.topic}' has no partition ${partition}`);
    }
    const id = `${record.topic}\u0000${partition}`;
    let group = groups.get(id);
    if (!group) {
      group = { topic: record.topic, partition, indexes: [] };
      groups.set(id, group);
    }
    group.indexes.push(index);
  });
  const ordered = [...groups.values()];
  const headParams = [ordered.map((g) => g.topic), ordered.map((g) => g.partition), ordered.map((g) => g.indexes.length), notifyChannel, [...new Set(ordered.map((g) => g.topic))]];
  // NOTIFY is delivered on commit only, so a listener never wakes for records it cannot yet see.
  const notify = '(select count(pg_notify($4, t)) from unnest($5::text[]) as t)';
  const now = Date.now();
  const toBases = (rows: readonly { topic: string; partition: number; base: string }[]): Map<string, number> => {
    const bases = new Map(rows.map((row) => [`${row.topic}\u0000${row.partition}`, Number(row.base)]));
    const missing = ordered.find((g) => !bases.has(`${g.topic}\u0000${g.partition}`));
    if (missing) throw new MissingPartitionError(`topic '${missing.topic}' has no partition ${missing.partition}`);
    return bases;
  };
  const results = new Array<AppendResult>(records.length);
  const place = (bases: ReadonlyMap<string, number>, each: (record: AppendRecord, group: PartitionGroup, offset: number) => void): void => {
    for (const group of ordered) {
      const base = bases.get(`${group.topic}\u0000${group.partition}`) as number;
      group.indexes.forEach((recordIndex, i) => {
        results[recordIndex] = { topic: group.topic, partition: group.partition, offset: base + i };
        each(records[recordIndex], group, base + i);
      });
    }
  };

  if (!needsTransaction(records.length)) {
    // Each row carries its rank within its partition's group: offset = base + rank. A head that
    // is missing leaves the offset null, which the events table refuses: the statement fails whole.
    const rows = ordered.flatMap((g) => g.indexes.map((recordIndex, rank) => ({ g, rank, record: records[recordIndex] })));
    try {
      const advanced = await client.query<{ topic: string; partition: number; base: string }>(
        `with ${advanceHeadsSql(tables)},
         inserted as (
           insert into ${tables}.events (topic, partition, "offset", key, headers, value, "timestamp")
           select r.topic, r.partition, a.base + r.rank, r.key, r.headers, r.value, r.ts
           from unnest($6::text[], $7::int[], $8::int[], $9::text[], $10::json[], $11::bytea[], $12::bigint[]) as r(topic, partition, rank, key, headers, value, ts)
           left join advanced a on a.topic = r.topic and a.partition = r.partition)
         select a.topic, a.partition, a.base, ${notify} as notified from advanced a`,
        [
          ...headParams,
          rows.map((r) => r.g.topic), rows.map((r) => r.g.partition), rows.map((r) => r.rank), rows.map((r) => r.record.key),
          rows.map((r) => JSON.stringify(r.record.headers ?? {})), rows.map((r) => r.record.value), rows.map((r) => r.record.timestamp ?? now),
        ],
      );
      place(toBases(advanced.rows), () => undefined);
    } catch (error) {
      const { code, column } = error as { code?: string; column?: string };
      if (code === '23502' && column === 'offset') {
        throw new MissingPartitionError(`a partition head is missing among ${ordered.map((g) => `'${g.topic}' ${g.partition}`).join(', ')}`);
      }
      throw error;
    }
    return results;
  }

  const advanced = await client.query<{ topic: string; partition: number; base: string }>(
    `with ${advanceHeadsSql(tables)} select a.topic, a.partition, a.base, ${notify} as notified from advanced a`,
    headParams,
  );
  const rows: EventRow[] = [];
  place(toBases(advanced.rows), (record, group, offset) => {
    rows.push({ topic: group.topic, partition: group.partition, offset, key: record.key, headers: JSON.stringify(record.headers ?? {}), value: record.value, timestamp: record.timestamp ?? now });
  });
  await pipeline(
    Readable.from(copyChunks(rows)),
    client.query(copyFrom(`copy ${tables}.events ${eventColumns} from stdin with (format binary)`)),
  );
  return results;
}
