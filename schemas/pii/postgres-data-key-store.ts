// Data keys in PostgreSQL, wrapped by the master key. Unwrapped keys are cached briefly so the
// hot path does no I/O; the cache lifetime bounds how long another process may still decrypt
// after a shred (documented in docs/security.md).
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { type DataKeyStore, type MasterKey, ShreddedSubjectError } from './data-key-store.ts';

interface CachedKey {
  readonly key: Buffer | undefined;
  readonly until: number;
}

export class PostgresDataKeyStore implements DataKeyStore {
  private readonly pool: pg.Pool;
  private readonly master: MasterKey;
  private readonly table: string;
  private readonly cacheMs: number;
  private readonly cache = new Map<string, CachedKey>();

  constructor(options: { pool: pg.Pool; masterKey: MasterKey; schema: string; cacheMs?: number }) {
    this.pool = options.pool;
    this.master = options.masterKey;
    this.table = `"${options.schema.replace(/"/g, '""')}".pii_data_keys`;
    this.cacheMs = options.cacheMs ?? 30_000;
  }

  async migrate(): Promise<void> {
    const schema = this.table.slice(0, this.table.lastIndexOf('.'));
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      subject text PRIMARY KEY,
      wrapped_key bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      shredded_at timestamptz
    )`);
  }

  async keyFor(subject: string): Promise<Buffer> {
    const cached = this.fromCache(subject);
    if (cached) return cached;
    const wrapped = this.master.wrap(randomBytes(32), subject);
    await this.pool.query(`INSERT INTO ${this.table} (subject, wrapped_key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING`, [subject, wrapped]);
    const key = await this.load(subject);
    if (!key) throw new ShreddedSubjectError(`data subject ${subject} was erased; no personal data may be written for it`);
    return key;
  }

  async existingKey(subject: string): Promise<Buffer | undefined> {
    return this.fromCache(subject) ?? (await this.load(subject));
  }

  async shred(subject: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (subject, wrapped_key, shredded_at) VALUES ($1, NULL, now())
       ON CONFLICT (subject) DO UPDATE SET wrapped_key = NULL, shredded_at = now()`,
      [subject],
    );
    this.cache.set(subject, { key: undefined, until: Date.now() + this.cacheMs });
  }

  private fromCache(subject: string): Buffer | undefined {
    const entry = this.cache.get(subject);
    if (entry && entry.until > Date.now()) return entry.key;
    return undefined;
  }

  private async load(subject: string): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ wrapped_key: Buffer | null }>(`SELECT wrapped_key FROM ${this.table} WHERE subject = $1`, [subject]);
    const wrapped = rows[0]?.wrapped_key ?? null;
    const key = wrapped ? this.master.unwrap(wrapped, subject) : undefined;
    this.cache.set(subject, { key, until: Date.now() + this.cacheMs });
    return key;
  }
}
