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
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CachedKey>();

  constructor(options: { pool: pg.Pool; masterKey: MasterKey; schema: string; cacheMs?: number; cacheSize?: number }) {
    this.pool = options.pool;
    this.master = options.masterKey;
    this.table = `"${options.schema.replace(/"/g, '""')}".pii_data_keys`;
    this.cacheMs = options.cacheMs ?? 30_000;
    this.cacheSize = options.cacheSize ?? 100_000;
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
    this.remember(subject, undefined);
  }

  /** Creates the subjects' missing keys and loads all of them into the cache: two round trips. */
  async prefetch(subjects: readonly string[]): Promise<void> {
    const now = Date.now();
    const wanted = [...new Set(subjects)].filter((subject) => !((this.cache.get(subject)?.until ?? 0) > now + this.cacheMs / 2));
    if (wanted.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.table} (subject, wrapped_key) SELECT s, w FROM unnest($1::text[], $2::bytea[]) AS t(s, w) ON CONFLICT (subject) DO NOTHING`,
      [wanted, wanted.map((subject) => this.master.wrap(randomBytes(32), subject))],
    );
    const { rows } = await this.pool.query<{ subject: string; wrapped_key: Buffer | null }>(
      `SELECT subject, wrapped_key FROM ${this.table} WHERE subject = ANY($1::text[])`, [wanted],
    );
    for (const row of rows) this.remember(row.subject, row.wrapped_key ? this.master.unwrap(row.wrapped_key, row.subject) : undefined);
  }

  /** Caches a key; the cache is bounded (oldest entries go first) so millions of subjects keep memory flat. */
  private remember(subject: string, key: Buffer | undefined): void {
    this.cache.delete(subject);
    this.cache.set(subject, { key, until: Date.now() + this.cacheMs });
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
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
    this.remember(subject, key);
    return key;
  }
}
