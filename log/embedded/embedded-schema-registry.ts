// The codec's schema registry in embedded mode: ids from the log's own `schemas` table, so the
// Confluent wire format (magic byte + 4-byte id) works without a registry server.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../platform/pg-transaction.ts';
import { quoteIdentifier } from './sql-identifiers.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';

export class UnknownSchemaError extends Error {
  override readonly name = 'UnknownSchemaError';
}

export class SchemaIdConflictError extends Error {
  override readonly name = 'SchemaIdConflictError';
}

/** Whitespace and key layout of the JSON text do not change a schema's identity. */
export function schemaFingerprint(schemaJson: string): string {
  return createHash('sha256').update(JSON.stringify(JSON.parse(schemaJson))).digest('hex');
}

export interface RegisteredSchema {
  readonly id: number;
  readonly subject: string;
  readonly schema: string;
}

export class EmbeddedSchemaRegistry implements SchemaRegistry {
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

  async all(): Promise<RegisteredSchema[]> {
    const rows = await this.#pool.query<RegisteredSchema>(`select id, subject, schema from ${this.#tables}.schemas order by id`);
    return rows.rows;
  }

  /**
   * Registers schemas under the ids they had elsewhere: encoded events carry the id, so a log
   * copied to another registry decodes only if the ids come along. Refuses an id already taken
   * by a different schema; ids already present with the same schema are left as they are.
   */
  async importWithIds(schemas: readonly RegisteredSchema[]): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      for (const entry of schemas) {
        const fingerprint = schemaFingerprint(entry.schema);
        const existing = await client.query<{ subject: string; fingerprint: string }>(
          `select subject, fingerprint from ${this.#tables}.schemas where id = $1`,
          [entry.id],
        );
        if (existing.rows.length === 1) {
          const row = existing.rows[0];
          if (row.subject !== entry.subject || row.fingerprint !== fingerprint) {
            throw new SchemaIdConflictError(`schema id ${entry.id} is already '${row.subject}' with another schema`);
          }
          continue;
        }
        await client.query(
          `insert into ${this.#tables}.schemas (id, subject, schema, fingerprint) values ($1, $2, $3, $4)`,
          [entry.id, entry.subject, entry.schema, fingerprint],
        );
      }
      // New registrations must not reuse an imported id.
      await client.query(
        `select setval(pg_get_serial_sequence('${this.#tables}.schemas', 'id'), greatest((select max(id) from ${this.#tables}.schemas), 1))`,
      );
    });
  }

  async schemaText(id: number): Promise<string> {
    const row = await this.#pool.query<{ schema: string }>(`select schema from ${this.#tables}.schemas where id = $1`, [id]);
    if (row.rows.length === 0) throw new UnknownSchemaError(`no schema with id ${id}`);
    return row.rows[0].schema;
  }
}
