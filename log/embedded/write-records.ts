// Writes records into the events table inside a transaction the caller owns: used by plain
// appends and by a consumer's batch commit (so output and checkpoint commit together).
import type { PoolClient } from 'pg';
import type { AppendRecord, AppendResult } from '../port.ts';
import { partitionForKey, toPositive } from './murmur2.ts';

/** Rows per INSERT: keeps a single statement's parameters to a few megabytes. */
const insertChunk = 5000;

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
  // A fixed lock order (topic, partition) keeps concurrent multi-partition appends from deadlocking.
  const ordered = [...groups.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  const results = new Array<AppendResult>(records.length);
  const now = Date.now();
  for (const group of ordered) {
    const head = await client.query<{ next_offset: string }>(
      `update ${tables}.partition_heads set next_offset = next_offset + $3 where topic = $1 and partition = $2 returning next_offset`,
      [group.topic, group.partition, group.indexes.length],
    );
    if (head.rowCount !== 1) throw new Error(`topic '${group.topic}' has no partition ${group.partition}`);
    const base = Number(head.rows[0].next_offset) - group.indexes.length;
    for (let start = 0; start < group.indexes.length; start += insertChunk) {
      const chunk = group.indexes.slice(start, start + insertChunk);
      const offsets: number[] = [];
      const keys: (string | null)[] = [];
      const headers: string[] = [];
      const values: Buffer[] = [];
      const timestamps: number[] = [];
      chunk.forEach((recordIndex, i) => {
        const record = records[recordIndex];
        const offset = base + start + i;
        offsets.push(offset);
        keys.push(record.key);
        headers.push(JSON.stringify(record.headers ?? {}));
        values.push(record.value);
        timestamps.push(record.timestamp ?? now);
        results[recordIndex] = { topic: group.topic, partition: group.partition, offset };
      });
      await client.query(
        `insert into ${tables}.events (topic, partition, "offset", key, headers, value, "timestamp")
         select $1, $2, o, k, h, v, t
         from unnest($3::bigint[], $4::text[], $5::json[], $6::bytea[], $7::bigint[]) as r(o, k, h, v, t)`,
        [group.topic, group.partition, offsets, keys, headers, values, timestamps],
      );
    }
  }
  // Delivered on commit only, so a listener never wakes for records it cannot yet see.
  for (const topic of new Set(ordered.map((group) => group.topic))) {
    await client.query('select pg_notify($1, $2)', [notifyChannel, topic]);
  }
  return results;
}
