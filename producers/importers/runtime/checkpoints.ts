// Where an import has got to: one row per (source, format, file), holding the number of the last
// line (or CSV record) whose events are durably in the log. It is written after each batch is
// appended, so a crash between the two can only repeat that batch (the same event ids, which
// every projection de-duplicates); re-importing a finished file appends nothing.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type pg from 'pg';

export interface CheckpointKey {
  readonly source: string;
  readonly format: 'queue-log' | 'cdr' | 'campaign-contacts';
  /** SHA-256 of the file's first 64 KiB: the same file (or a longer version of it) resumes. */
  readonly fileKey: string;
}

export interface ImportCheckpoint {
  /** Lines (or records) whose events are committed. */
  readonly lines: number;
  readonly events: number;
  readonly rejected: number;
  /** The end of the file was reached and its closing events committed. */
  readonly completed: boolean;
}

export interface CheckpointStore {
  load(key: CheckpointKey): Promise<ImportCheckpoint | undefined>;
  save(key: CheckpointKey, checkpoint: ImportCheckpoint): Promise<void>;
}

const PREFIX_BYTES = 64 * 1024;

export async function fileKeyOf(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(PREFIX_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PREFIX_BYTES, 0);
    return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

/** Checkpoints in `<schema>.import_checkpoints` of the ledger's PostgreSQL. */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema: string;

  constructor(pool: pg.Pool, schema: string) {
    this.pool = pool;
    this.schema = ident(schema);
    this.table = `${this.schema}.import_checkpoints`;
  }

  async migrate(): Promise<void> {
    await this.pool.query(`create schema if not exists ${this.schema}`);
    await this.pool.query(`create table if not exists ${this.table} (
      source text not null, format text not null, file_key text not null,
      lines bigint not null, events bigint not null, rejected bigint not null, completed boolean not null,
      updated_at timestamptz not null default now(),
      primary key (source, format, file_key))`);
  }

  async load(key: CheckpointKey): Promise<ImportCheckpoint | undefined> {
    const result = await this.pool.query<{ lines: string; events: string; rejected: string; completed: boolean }>(
      `select lines, events, rejected, completed from ${this.table} where source = $1 and format = $2 and file_key = $3`, [key.source, key.format, key.fileKey],
    );
    const row = result.rows[0];
    return row ? { lines: Number(row.lines), events: Number(row.events), rejected: Number(row.rejected), completed: row.completed } : undefined;
  }

  async save(key: CheckpointKey, checkpoint: ImportCheckpoint): Promise<void> {
    await this.pool.query(
      `insert into ${this.table} (source, format, file_key, lines, events, rejected, completed) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (source, format, file_key) do update set lines = excluded.lines, events = excluded.events, rejected = excluded.rejected,
         completed = excluded.completed, updated_at = now()`,
      [key.source, key.format, key.fileKey, checkpoint.lines, checkpoint.events, checkpoint.rejected, checkpoint.completed],
    );
  }
}
