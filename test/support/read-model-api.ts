// Wiring for API specs over real read models: the API of api-harness on the embedded log, the
// given events appended, the named read models rebuilt from them into a fresh projection prefix,
// and the API's projection queries reading their views. close() drops everything it made.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { projectionQueries } from '../../api/queries/projection-queries.ts';
import type { QueryPorts } from '../../api/queries/query-ports.ts';
import { readModels } from '../../projections/read-models.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { rebuild } from '../../projections/runtime/rebuild.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { quoteIdent } from '../../projections/runtime/table-writer.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { openTestApi, type TestApi } from './api-harness.ts';
import { testDatabaseUrl } from './test-database.ts';

export async function openReadModelApi(modelNames: readonly string[], events: readonly AnyLedgerEvent[]): Promise<TestApi> {
  const ports: QueryPorts = {};
  const t = await openTestApi({ queries: ports });
  const knex = openKnex(testDatabaseUrl());
  const prefix = `pq_${randomBytes(4).toString('hex')}`;
  const close = async (): Promise<void> => {
    await knex.destroy();
    await t.close();
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const schemas = await admin.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${prefix}\\_%`]);
      for (const row of schemas.rows) await admin.query(`drop schema if exists ${quoteIdent(row.nspname)} cascade`);
    } finally {
      await admin.end();
    }
  };
  try {
    const { codec, log, personalData } = t.ledger;
    const store = new ProjectionStore(knex, prefix);
    const records = [];
    for (const event of events) records.push({ topic: codec.definitionOf(event).topic, key: codec.keyOf(event), value: await codec.encode(event) });
    await log.append(records);
    await rebuild({ knex, log, codec, store, models: readModels().filter((m) => modelNames.includes(m.name)) });
    Object.assign(ports, projectionQueries(knex, store.readSchema, { personalData, catalogue: codec.catalogue }));
  } catch (error) {
    await close();
    throw error;
  }
  return { ...t, close };
}
