// Wiring for projection int specs and the kill-test child: a log adapter (embedded PostgreSQL
// log in a fresh schema, or the real Kafka broker), a codec on a real registry, knex, and a
// projection store under a fresh prefix, with read models remapped onto fresh topic names.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Knex } from 'knex';
import type { AppendRecord, LedgerLog } from '../../log/port.ts';
import { EmbeddedLog } from '../../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { KafkaLog } from '../../log/kafka/kafka-log.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { readModels, defaultProjectionSettings } from '../read-models.ts';
import { openKnex } from '../runtime/open-knex.ts';
import type { ReadModel } from '../runtime/read-model.ts';
import { ProjectionStore } from '../runtime/store.ts';
import { quoteIdent } from '../runtime/table-writer.ts';

export type LogKind = 'embedded' | 'kafka';

export interface TestNames {
  readonly kind: LogKind;
  /** Embedded log schema (embedded) or registry-less schema for nothing (kafka). */
  readonly logSchema: string;
  readonly prefix: string;
  readonly topicSuffix: string;
}

export function freshNames(kind: LogKind): TestNames {
  const id = randomBytes(4).toString('hex');
  return { kind, logSchema: `plog_${id}`, prefix: `pt_${id}`, topicSuffix: id };
}

export const KAFKA_BROKERS = (process.env.LEDGER_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REGISTRY_URL = process.env.LEDGER_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export interface TestLedger {
  readonly names: TestNames;
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly knex: Knex;
  readonly store: ProjectionStore;
  readonly models: ReadModel[];
  /** Topic a real topic name is remapped to in this test. */
  topic(name: string): string;
  append(events: readonly AnyLedgerEvent[]): Promise<void>;
  appendRecords(records: readonly AppendRecord[]): Promise<void>;
  encode(events: readonly AnyLedgerEvent[]): Promise<AppendRecord[]>;
  close(): Promise<void>;
  /** Drops the log schema and the projection schemas (the Kafka topics are left to retention). */
  drop(): Promise<void>;
}

const quietSink = { debug() {}, info() {}, warn() {}, error() {} };

export interface TestLogOptions {
  /** Group session timeout on Kafka (default 6 s, quick rebalances in specs; benchmarks on a loaded machine need longer). */
  readonly kafkaSessionTimeoutMs?: number;
}

export async function openTestLog(names: TestNames, options: TestLogOptions = {}): Promise<{ log: LedgerLog; registry: SchemaRegistry; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  pool.on('error', () => undefined);
  if (names.kind === 'embedded') {
    const log = await EmbeddedLog.open({ connectionString: testDatabaseUrl(), schema: names.logSchema, sessionTimeoutMs: 3000, heartbeatMs: 300, pollMs: 100, defaultPartitions: 3 });
    const table = new EmbeddedSchemaRegistry(pool, names.logSchema);
    return { log, registry: table, pool };
  }
  let log: LedgerLog;
  try {
    log = await KafkaLog.open({ brokers: KAFKA_BROKERS, clientId: `projections-test-${names.topicSuffix}`, defaultPartitions: 3, replicationFactor: 1, logger: quietSink, connectDeadlineMs: 15_000, sessionTimeoutMs: options.kafkaSessionTimeoutMs ?? 6000 });
  } catch (error) {
    await pool.end();
    throw new Error(`Kafka is not reachable at ${KAFKA_BROKERS.join(',')} (${(error as Error).message}); start it with infra/kafka (CI does)`, { cause: error });
  }
  return { log, registry: new ConfluentSchemaRegistry(REGISTRY_URL), pool };
}

export function remapTopics(models: readonly ReadModel[], topic: (name: string) => string): ReadModel[] {
  return models.map((m) => ({ ...m, topics: m.topics.map(topic) }));
}

export async function openTestLedger(names: TestNames, models: readonly ReadModel[] = readModels(defaultProjectionSettings), options: TestLogOptions = {}): Promise<TestLedger> {
  const { log, registry, pool } = await openTestLog(names, options);
  const codec = new EventCodec({ catalogue: catalogue(), registry });
  const knex = openKnex(testDatabaseUrl());
  const store = new ProjectionStore(knex, names.prefix);
  const topic = (name: string) => `${name}.${names.topicSuffix}`;
  const remapped = remapTopics(models, topic);
  // Every topic a read model reads must exist: a Kafka subscription to a missing topic fails.
  const read = new Set(['ledger.interactions', 'ledger.agents', 'ledger.audit', ...models.flatMap((m) => m.topics)]);
  await log.createTopics([...read].map((t) => ({ topic: topic(t), partitions: 3 })));
  const encode = async (events: readonly AnyLedgerEvent[]): Promise<AppendRecord[]> => {
    const records: AppendRecord[] = [];
    for (const event of events) {
      const definition = codec.definitionOf(event);
      records.push({ topic: topic(definition.topic), key: codec.keyOf(event), value: await codec.encode(event) });
    }
    return records;
  };
  const appendRecords = async (records: readonly AppendRecord[]) => {
    for (let i = 0; i < records.length; i += 5000) await log.append(records.slice(i, i + 5000));
  };
  return {
    names, log, codec, knex, store, models: remapped, topic, encode, appendRecords,
    async append(events) {
      await appendRecords(await encode(events));
    },
    async close() {
      await log.close();
      await knex.destroy();
      await pool.end();
    },
    async drop() {
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      try {
        const schemas = await admin.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1 or nspname = $2`, [`${names.prefix}\\_%`, names.logSchema]);
        for (const row of schemas.rows) await admin.query(`drop schema if exists ${quoteIdent(row.nspname)} cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Every row of the current version of each read model (and its entity documents), in key order: for identity checks. */
export async function dumpCurrent(ledger: Pick<TestLedger, 'knex' | 'store' | 'models'>): Promise<Record<string, unknown[]>> {
  const versions = await ledger.store.currentVersions(ledger.models.map((m) => m.name));
  return dumpSchemas(ledger, ledger.models.map((model) => {
    const version = versions.get(model.name);
    if (version === undefined) throw new Error(`${model.name} has no current version`);
    return { model, schema: ledger.store.versionSchema(model.name, version) };
  }));
}

/** Every table (entity documents included) of the given read-model versions, in key order. */
export async function dumpSchemas(ledger: Pick<TestLedger, 'knex'>, versions: readonly { model: ReadModel; schema: string }[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { model, schema: name } of versions) {
    const schema = quoteIdent(name);
    for (const table of model.tables) {
      out[`${model.name}.${table.name}`] = (await ledger.knex.raw<{ rows: unknown[] }>(`select * from ${schema}.${quoteIdent(table.name)} order by ${table.key.map(quoteIdent).join(', ')}`)).rows;
    }
    out[`${model.name}.entity_state`] = (await ledger.knex.raw<{ rows: unknown[] }>(`select * from ${schema}.entity_state order by key`)).rows;
  }
  return out;
}

/** True once every read model's own checkpoint reaches the end of every partition it reads. */
export async function projectionsCaughtUp(ledger: Pick<TestLedger, 'knex' | 'store' | 'models' | 'log'>): Promise<boolean> {
  const versions = await ledger.store.currentVersions(ledger.models.map((m) => m.name));
  for (const model of ledger.models) {
    const version = versions.get(model.name);
    if (version === undefined) return false;
    const rows = (await ledger.knex.raw<{ rows: { topic: string; partition: number; next_offset: string }[] }>(
      `select topic, partition, next_offset from ${quoteIdent(ledger.store.versionSchema(model.name, version))}.checkpoints where projection = ?`, [model.name],
    )).rows;
    for (const topic of model.topics) {
      const description = await ledger.log.describeTopic(topic);
      for (const p of description.partitions) {
        const done = rows.find((r) => r.topic === topic && r.partition === p.partition);
        if (p.high > p.low && (!done || Number(done.next_offset) < p.high)) return false;
      }
    }
  }
  return true;
}
