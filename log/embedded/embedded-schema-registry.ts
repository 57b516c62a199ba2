// The codec's schema registry in embedded mode: ids from the log's own `schemas` table, so the
// Confluent wire format (magic byte + 4-byte id) works without a registry server.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { quoteIdentifier } from './sql-identifiers.ts';

export class UnknownSchemaError extends Error {
  override readonly name = 'UnknownSchemaError';
}

/** Whitespace and key layout of the JSON text do not change a schema's identity. */
export function schemaFingerprint(schemaJson: string): string {
  return createHash('sha256').update(JSON.stringify(JSON.parse(schemaJson))).digest('hex');
}

export class EmbeddedSchemaRegistry {
  readonly #pool: pg.Pool;
  readonly #tables: string;

  /** `pool` must reach a database where the embedded log has migrated `schema`. */
  constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#tables = quoteIdentifier(schema);
  }

  /** Idempotent per subject and fingerprint: registering the same schema again returns the same id. */
  async register(subject: string, schemaJson: string): Promise<number> {
    const fingerprint = schemaFingerprint(schemaJson);
    const inserted = await this.#pool.query<{ id: number }>(
      `insert into ${this.#tables}.schemas (subject, schema, fingerprint) values ($1, $2, $3)
       on conflict (subject, fingerprint) do nothing returning id`,
      [subject, schemaJson, fingerprint],
    );
    if (inserted.rows.length === 1) return inserted.rows[0].id;
    const existing = await this.#pool.query<{ id: number }>(
      `select id from ${this.#tables}.schemas where subject = $1 and fingerprint = $2`,
      [subject, fingerprint],
    );
    return existing.rows[0].id;
  }

  async getSchema(id: number): Promise<string> {
    const row = await this.#pool.query<{ schema: string }>(`select schema from ${this.#tables}.schemas where id = $1`, [id]);
    if (row.rows.length === 0) throw new UnknownSchemaError(`no schema with id ${id}`);
    return row.rows[0].schema;
  }
}
