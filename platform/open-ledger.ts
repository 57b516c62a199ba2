// Assembles what every process of the product needs from configuration: PostgreSQL (the
// configured one, or an embedded one), the log adapter, the schema registry for the codec, the
// data-key store for personal fields, and the codec. Processors, projections, the API and the
// CLI all start here, so they are wired the same way.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { LedgerConfig } from './config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.ts';
import { openLog } from '../log/open-log.ts';
import type { LedgerLog } from '../log/port.ts';
import { catalogue as loadedCatalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import { ConfluentSchemaRegistry } from '../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../schemas/registry/schema-registry.ts';
import { EmbeddedSchemaRegistry } from '../log/embedded/embedded-schema-registry.ts';
import { MasterKey } from '../schemas/pii/data-key-store.ts';
import { PostgresDataKeyStore } from '../schemas/pii/postgres-data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { DecisionLatency } from './degradation/decision-latency.ts';

export interface Ledger {
  readonly config: LedgerConfig;
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  readonly keys: PostgresDataKeyStore;
  /** PostgreSQL for read models, keys and (embedded) the log. */
  readonly pool: pg.Pool;
  readonly databaseUrl: string;
  /** What this process's stream processors record and the degradation controller samples. */
  readonly decisionLatency: DecisionLatency;
  close(): Promise<void>;
}

/** LEDGER_MASTER_KEY, or for development a key kept beside the embedded database (never in production). */
export function resolveMasterKey(config: LedgerConfig, warn: (message: string) => void = console.warn): MasterKey {
  if (config.masterKey) return MasterKey.fromBase64(config.masterKey);
  const file = join(config.dataDir, 'development-master.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  warn(`LEDGER_MASTER_KEY is not set: using the development key in ${file}. Set it (base64 of 32 bytes) outside development.`);
  return MasterKey.fromBase64(readFileSync(file, 'utf8').trim());
}

export async function openLedger(config: LedgerConfig, options: { warn?: (message: string) => void } = {}): Promise<Ledger> {
  let embedded: RunningPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    databaseUrl = embedded.url;
  }
  const resolved: LedgerConfig = { ...config, databaseUrl };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  pool.on('error', () => undefined);
  let log: LedgerLog | undefined;
  try {
    log = await openLog(resolved);
    const keys = new PostgresDataKeyStore({ pool, masterKey: resolveMasterKey(config, options.warn), schema: config.dbSchema });
    await keys.migrate();
    const registry: SchemaRegistry = config.log === 'kafka' ? new ConfluentSchemaRegistry(config.registryUrl) : new EmbeddedSchemaRegistry(pool, config.dbSchema);
    const personalData = new PersonalDataProtector(keys);
    const codec = new EventCodec({ catalogue: loadedCatalogue(), registry, personalData });
    const opened = log;
    return {
      config: resolved, log: opened, codec, personalData, keys, pool, databaseUrl, decisionLatency: new DecisionLatency(),
      async close() {
        await opened.close();
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await log?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
