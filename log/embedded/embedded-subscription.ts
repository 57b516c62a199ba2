// One consumer of a group: a single loop that rebalances between batches, fetches each owned
// partition from its checkpoint, hands the batch to the handler and commits the staged output
// with a compare-and-set of the checkpoint in one transaction.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AppendRecord, AppendResult, LogRecord, SubscribeOptions, Subscription } from '../port.ts';
import type { AppendNotifier } from './append-notifier.ts';
import { readRecords } from './copy-binary-out.ts';
import { GroupMembership, type PartitionRef } from './group-membership.ts';
import { inTransaction } from '../../platform/pg-transaction.ts';

export interface SubscriptionDeps {
  readonly pool: pg.Pool;
  readonly tables: string;
  readonly notifier: AppendNotifier;
  readonly sessionTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly pollMs: number;
  /** Writes staged records inside the batch transaction. */
  readonly writeInTransaction: (client: pg.PoolClient, records: readonly AppendRecord[]) => Promise<AppendResult[]>;
}

const defaultMaxBatchSize = 1000;
const partitionId = (ref: PartitionRef): string => `${ref.topic}\u0000${ref.partition}`;
/** Thrown inside the commit transaction to roll it back when another member moved the checkpoint. */
const checkpointMoved = Symbol('checkpoint moved');

export function startSubscription(deps: SubscriptionDeps, options: SubscribeOptions): Subscription {
  const { pool, tables, notifier } = deps;
  const membership = new GroupMembership({
    pool,
    tables,
    group: options.group,
    memberId: randomUUID(),
    topics: options.topics,
    sessionTimeoutMs: deps.sessionTimeoutMs,
  });
  const maxBatchSize = options.maxBatchSize ?? defaultMaxBatchSize;
  const advanceCheckpoint = `update ${tables}.checkpoints set next_offset = $4, updated_at = now()
     where group_id = $1 and topic = $2 and partition = $3 and next_offset = $5`;
  const positions = new Map<string, number>();
  let stopping = false;

  const heartbeat = setInterval(() => {
    membership.heartbeat().catch(() => undefined);
  }, deps.heartbeatMs);
  heartbeat.unref();

  async function loadPosition(ref: PartitionRef): Promise<number> {
    const start = options.startFrom === 'latest'
      ? `(select next_offset from ${tables}.partition_heads where topic = $2 and partition = $3)`
      : '0';
    await pool.query(
      `insert into ${tables}.checkpoints (group_id, topic, partition, next_offset) values ($1, $2, $3, ${start})
       on conflict (group_id, topic, partition) do nothing`,
      [options.group, ref.topic, ref.partition],
    );
    const row = await pool.query<{ next_offset: string }>(
      `select next_offset from ${tables}.checkpoints where group_id = $1 and topic = $2 and partition = $3`,
      [options.group, ref.topic, ref.partition],
    );
    return Number(row.rows[0].next_offset);
  }

  async function rebalance(): Promise<void> {
    const change = await membership.rebalance();
    for (const ref of change.released) positions.delete(partitionId(ref));
    for (const ref of change.claimed) positions.set(partitionId(ref), await loadPosition(ref));
  }

  function fetch(ref: PartitionRef, from: number): Promise<LogRecord[]> {
    return readRecords(pool, { table: `${tables}.events`, topic: ref.topic, partition: ref.partition, from, to: null, limit: maxBatchSize });
  }

  /** Returns false when the checkpoint moved under us (another member committed): the batch is discarded. */
  async function commit(ref: PartitionRef, from: number, next: number, staged: readonly AppendRecord[]): Promise<boolean> {
    const advance = [options.group, ref.topic, ref.partition, next, from];
    // Nothing staged: the compare-and-set alone is atomic, one round trip instead of a transaction.
    if (staged.length === 0) return (await pool.query(advanceCheckpoint, advance)).rowCount === 1;
    try {
      await inTransaction(pool, async (client) => {
        if ((await client.query(advanceCheckpoint, advance)).rowCount !== 1) throw checkpointMoved;
        await deps.writeInTransaction(client, staged);
      });
      return true;
    } catch (error) {
      if (error === checkpointMoved) return false;
      throw error;
    }
  }

  async function consumeOnce(ref: PartitionRef): Promise<boolean> {
    const id = partitionId(ref);
    const from = positions.get(id);
    if (from === undefined) return false;
    const records = await fetch(ref, from);
    if (records.length === 0) return false;
    const staged: AppendRecord[] = [];
    await options.handler(
      { topic: ref.topic, partition: ref.partition, records },
      { append: (more) => void staged.push(...more) },
    );
    const next = records[records.length - 1].offset + 1;
    if (await commit(ref, from, next, staged)) {
      positions.set(id, next);
    } else {
      membership.forget(ref);
      positions.delete(id);
    }
    return true;
  }

  async function run(): Promise<void> {
    let nextRebalance = 0;
    while (!stopping) {
      if (Date.now() >= nextRebalance) {
        await rebalance();
        nextRebalance = Date.now() + deps.heartbeatMs;
      }
      const seen = notifier.generation();
      let worked = false;
      for (const ref of membership.owned()) {
        if (stopping) break;
        if (await consumeOnce(ref)) worked = true;
      }
      if (!worked && !stopping) {
        await notifier.waitForAppend(seen, Math.min(deps.pollMs, Math.max(0, nextRebalance - Date.now())));
      }
    }
  }

  const done = (async () => {
    try {
      await run();
    } finally {
      clearInterval(heartbeat);
      await membership.leave().catch(() => undefined);
    }
  })();
  // `done` is also awaited by stop(); keep an unobserved rejection from crashing the process.
  done.catch(() => undefined);

  return {
    done,
    async stop() {
      stopping = true;
      notifier.wake();
      await done.catch(() => undefined);
    },
  };
}
