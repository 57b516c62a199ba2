// Snapshots of a processor's state per input partition, so a restart replays only the tail of
// the log after the snapshot instead of the whole history. A snapshot is taken in the middle of
// processing, before the batch's checkpoint commits; if that commit is lost the snapshot is
// ahead of the checkpoint, so the store keeps the last few and a restore takes the newest one at
// or before the offset it restarts from.
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type pg from 'pg';

export interface Snapshot {
  /** The next input offset the state has not seen. */
  readonly nextOffset: number;
  readonly state: unknown;
}

export interface SnapshotStore {
  /** Serialises `state` before it first yields (the caller goes on changing it), then stores it. */
  save(processor: string, topic: string, partition: number, nextOffset: number, state: unknown): Promise<void>;
  /** The newest snapshot whose nextOffset ≤ atMost. */
  latest(processor: string, topic: string, partition: number, atMost: number): Promise<Snapshot | undefined>;
}

const kept = 3;
const gzipAsync = promisify(gzip);

export class InMemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, { nextOffset: number; json: string }[]>();

  async save(processor: string, topic: string, partition: number, nextOffset: number, state: unknown): Promise<void> {
    const key = `${processor}\u0000${topic}\u0000${partition}`;
    const list = (this.snapshots.get(key) ?? []).filter((s) => s.nextOffset !== nextOffset);
    list.push({ nextOffset, json: JSON.stringify(state) });
    list.sort((a, b) => a.nextOffset - b.nextOffset);
    this.snapshots.set(key, list.slice(-kept));
  }

  async latest(processor: string, topic: string, partition: number, atMost: number): Promise<Snapshot | undefined> {
    const list = this.snapshots.get(`${processor}\u0000${topic}\u0000${partition}`) ?? [];
    const found = [...list].reverse().find((s) => s.nextOffset <= atMost);
    return found ? { nextOffset: found.nextOffset, state: JSON.parse(found.json) as unknown } : undefined;
  }
}

/** Snapshots in a PostgreSQL table (gzip'd JSON), beside the read models. */
export class PostgresSnapshotStore implements SnapshotStore {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema: string;
  private migrated: Promise<void> | undefined;

  constructor(pool: pg.Pool, schema: string) {
    if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`schema: '${schema}' is not a plain SQL identifier`);
    this.pool = pool;
    this.table = `"${schema}".processor_snapshots`;
    this.schema = schema;
  }

  migrate(): Promise<void> {
    const create = () => this.pool.query(
      `create schema if not exists "${this.schema}";
       create table if not exists ${this.table} (
         processor text not null, topic text not null, partition int not null, next_offset bigint not null,
         taken_at timestamptz not null default now(), state bytea not null,
         primary key (processor, topic, partition, next_offset))`,
    );
    // Several processors of one process (or several processes) may create the table at the same
    // moment; "if not exists" does not stop PostgreSQL's catalog from refusing the second one
    // (unique_violation on pg_type or duplicate_table). By then the table exists: check once more.
    this.migrated ??= create()
      .catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        if (code === '23505' || code === '42P07' || code === '42P06') return create();
        throw error;
      })
      .then(() => undefined);
    return this.migrated;
  }

  async save(processor: string, topic: string, partition: number, nextOffset: number, state: unknown): Promise<void> {
    const json = JSON.stringify(state);
    await this.migrate();
    const bytes = await gzipAsync(json, { level: 1 });
    await this.pool.query(
      `with saved as (
         insert into ${this.table} (processor, topic, partition, next_offset, state) values ($1, $2, $3, $4, $5)
         on conflict (processor, topic, partition, next_offset) do update set state = excluded.state, taken_at = now())
       delete from ${this.table} where processor = $1 and topic = $2 and partition = $3 and next_offset < $4 and next_offset not in (
         select next_offset from ${this.table} where processor = $1 and topic = $2 and partition = $3 order by next_offset desc limit ${kept - 1})`,
      [processor, topic, partition, nextOffset, bytes],
    );
  }

  async latest(processor: string, topic: string, partition: number, atMost: number): Promise<Snapshot | undefined> {
    await this.migrate();
    const result = await this.pool.query<{ next_offset: string; state: Buffer }>(
      `select next_offset, state from ${this.table} where processor = $1 and topic = $2 and partition = $3 and next_offset <= $4 order by next_offset desc limit 1`,
      [processor, topic, partition, atMost],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return { nextOffset: Number(row.next_offset), state: JSON.parse(gunzipSync(row.state).toString('utf8')) as unknown };
  }
}
