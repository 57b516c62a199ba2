// The embedded adapter of the ledger log port: PostgreSQL tables in one schema (see docs/log.md).
import pg from 'pg';
import type {
  AppendRecord,
  AppendResult,
  LedgerLog,
  LogRecord,
  ReadRangeOptions,
  SubscribeOptions,
  Subscription,
  TopicDescription,
  TopicSpec,
} from '../port.ts';
import { inTransaction } from '../../platform/pg-transaction.ts';
import { startAppendNotifier, type AppendNotifier } from './append-notifier.ts';
import { readRecords } from './copy-binary-out.ts';
import { startSubscription } from './embedded-subscription.ts';
import { migrate } from './migrations.ts';
import { quoteIdentifier } from './sql-identifiers.ts';
import { defaultPartitionChooser, needsTransaction, writeRecords, type PartitionChooser } from './write-records.ts';

// node-postgres returns bigint as string; offsets and epoch-ms fit in a double, and we convert
// explicitly where read, so the global type parser is left alone.

export interface EmbeddedLogOptions {
  readonly connectionString: string;
  /** PostgreSQL schema holding the log tables (LEDGER_DB_SCHEMA). */
  readonly schema: string;
  /** Partitions of a topic created implicitly by its first append (Kafka's auto-create). */
  readonly defaultPartitions?: number;
  /** A member whose heartbeat is older than this loses its partitions. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatMs?: number;
  /** Polling fallback when no notification arrives. */
  readonly pollMs?: number;
  readonly poolSize?: number;
  /** Run after the pool is closed (e.g. stop an embedded PostgreSQL the log started). */
  readonly onClose?: () => Promise<void>;
}

interface RangeBound {
  readonly offset?: number;
  readonly timestamp?: number;
}

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
}

export class EmbeddedLog implements LedgerLog {
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly #tables: string;
  readonly #notifyChannel: string;
  readonly #notifier: AppendNotifier;
  readonly #options: EmbeddedLogOptions;
  readonly #partitionCounts = new Map<string, number>();
  readonly #chooser: PartitionChooser = defaultPartitionChooser();
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  private constructor(pool: pg.Pool, notifier: AppendNotifier, options: EmbeddedLogOptions) {
    this.pool = pool;
    this.schema = options.schema;
    this.#tables = quoteIdentifier(options.schema);
    this.#notifyChannel = notifyChannelFor(options.schema);
    this.#notifier = notifier;
    this.#options = options;
  }

  static async open(options: EmbeddedLogOptions): Promise<EmbeddedLog> {
    quoteIdentifier(options.schema);
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 8 });
    // An idle client's error (e.g. the server restarting) must not crash the process.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, options.schema);
      } finally {
        client.release();
      }
      const notifier = await startAppendNotifier({ connectionString: options.connectionString }, notifyChannelFor(options.schema));
      return new EmbeddedLog(pool, notifier, options);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  async append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    if (records.length === 0) return [];
    await this.#ensureTopics(records);
    // A small append is one statement, atomic by itself: no begin/commit round trips.
    if (needsTransaction(records.length)) return inTransaction(this.pool, (client) => this.#write(client, records));
    const client = await this.pool.connect();
    try {
      return await this.#write(client, records);
    } finally {
      client.release();
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.#closed) throw new Error('log is closed');
    const subscription = startSubscription(
      {
        pool: this.pool,
        tables: this.#tables,
        notifier: this.#notifier,
        sessionTimeoutMs: this.#options.sessionTimeoutMs ?? 10_000,
        heartbeatMs: this.#options.heartbeatMs ?? 1_000,
        pollMs: this.#options.pollMs ?? 500,
        writeInTransaction: async (client, records) => {
          await this.#ensureTopics(records);
          return this.#write(client, records);
        },
      },
      options,
    );
    this.#subscriptions.add(subscription);
    subscription.done.then(
      () => this.#subscriptions.delete(subscription),
      () => this.#subscriptions.delete(subscription),
    );
    return subscription;
  }

  async *readRange(options: ReadRangeOptions): AsyncIterable<readonly LogRecord[]> {
    const description = await this.describeTopic(options.topic);
    const batchSize = options.batchSize ?? 1000;
    const partitions = options.partitions ?? description.partitions.map((p) => p.partition);
    for (const partition of partitions) {
      const bounds = description.partitions.find((p) => p.partition === partition);
      if (!bounds) throw new UnknownTopicError(`topic '${options.topic}' has no partition ${partition}`);
      let from = await this.#resolveBound(options.topic, partition, options.from, bounds.low, bounds.high);
      const to = await this.#resolveBound(options.topic, partition, options.to, bounds.high, bounds.high);
      while (from < to) {
        const records = await readRecords(this.pool, { table: `${this.#tables}.events`, topic: options.topic, partition, from, to, limit: batchSize });
        if (records.length === 0) break;
        yield records;
        from = records[records.length - 1].offset + 1;
      }
    }
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const spec of specs) {
        if (!Number.isInteger(spec.partitions) || spec.partitions < 1) throw new Error(`topic '${spec.topic}': partitions must be a positive integer`);
        await client.query(
          `insert into ${this.#tables}.topics (name, partitions, config) values ($1, $2, $3) on conflict (name) do nothing`,
          [spec.topic, spec.partitions, JSON.stringify(spec.config ?? {})],
        );
        await client.query(
          `insert into ${this.#tables}.partition_heads (topic, partition)
           select name, p from ${this.#tables}.topics, generate_series(0, partitions - 1) as p where name = $1
           on conflict do nothing`,
          [spec.topic],
        );
      }
    });
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    const heads = await this.pool.query<{ partition: number; next_offset: string; low: string | null }>(
      `select h.partition, h.next_offset,
              (select min("offset") from ${this.#tables}.events e where e.topic = h.topic and e.partition = h.partition) as low
       from ${this.#tables}.partition_heads h where h.topic = $1 order by h.partition`,
      [topic],
    );
    if (heads.rows.length === 0) throw new UnknownTopicError(`unknown topic '${topic}'`);
    return {
      topic,
      partitions: heads.rows.map((row) => ({
        partition: row.partition,
        high: Number(row.next_offset),
        low: row.low === null ? Number(row.next_offset) : Number(row.low),
      })),
    };
  }

  async groupOffsets(group: string, topic: string): Promise<ReadonlyMap<number, number>> {
    const rows = await this.pool.query<{ partition: number; next_offset: string }>(
      `select partition, next_offset from ${this.#tables}.checkpoints where group_id = $1 and topic = $2 order by partition`,
      [group, topic],
    );
    return new Map(rows.rows.map((row) => [row.partition, Number(row.next_offset)]));
  }

  async seedGroupOffsets(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<number[]> {
    if (offsets.size === 0) return [];
    const entries = [...offsets];
    const rows = await this.pool.query<{ partition: number }>(
      `insert into ${this.#tables}.checkpoints (group_id, topic, partition, next_offset)
       select $1, $2, p, o from unnest($3::int[], $4::bigint[]) as seed(p, o)
       on conflict (group_id, topic, partition) do nothing
       returning partition`,
      [group, topic, entries.map(([partition]) => partition), entries.map(([, offset]) => offset)],
    );
    return rows.rows.map((row) => row.partition).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    await this.#notifier.close();
    await this.pool.end();
    await this.#options.onClose?.();
  }

  #write(client: pg.PoolClient, records: readonly AppendRecord[]): Promise<AppendResult[]> {
    return writeRecords(client, this.#tables, this.#notifyChannel, records, (topic) => {
      const count = this.#partitionCounts.get(topic);
      if (count === undefined) throw new UnknownTopicError(`unknown topic '${topic}'`);
      return count;
    }, this.#chooser);
  }

  /** Learns partition counts, creating unknown topics with the default partition count. */
  async #ensureTopics(records: readonly AppendRecord[]): Promise<void> {
    const unknown = [...new Set(records.map((record) => record.topic))].filter((topic) => !this.#partitionCounts.has(topic));
    if (unknown.length === 0) return;
    const partitions = this.#options.defaultPartitions ?? 6;
    await this.createTopics(unknown.filter((topic) => topic.length > 0).map((topic) => ({ topic, partitions })));
    const rows = await this.pool.query<{ name: string; partitions: number }>(
      `select name, partitions from ${this.#tables}.topics where name = any($1::text[])`,
      [unknown],
    );
    for (const row of rows.rows) this.#partitionCounts.set(row.name, row.partitions);
  }

  async #resolveBound(topic: string, partition: number, bound: RangeBound | undefined, fallback: number, high: number): Promise<number> {
    if (bound === undefined) return fallback;
    if (bound.offset !== undefined) return bound.offset;
    if (bound.timestamp === undefined) return fallback;
    // Kafka's offsetsForTimes: the earliest offset whose timestamp is at or after the bound.
    const row = await this.pool.query<{ offset: string | null }>(
      `select min("offset") as offset from ${this.#tables}.events where topic = $1 and partition = $2 and "timestamp" >= $3`,
      [topic, partition, bound.timestamp],
    );
    return row.rows[0].offset === null ? high : Number(row.rows[0].offset);
  }
}

function notifyChannelFor(schema: string): string {
  return `${schema}.appended`;
}
