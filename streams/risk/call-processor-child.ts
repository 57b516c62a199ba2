// The call processors (risk; QA and summaries) as their own process, for the end-to-end spec's
// crash test (it kills this process with SIGKILL in the middle of a call and starts it again).
// Wired from LEDGER_* like every process (LEDGER_MASTER_KEY for the data keys), plus:
//   CALL_NAMESPACE           prefix of every topic (a fresh one per test)
//   CALL_GROUP_PREFIX        prefix of the consumer groups (streams.risk, streams.qa-summary)
//   CALL_SNAPSHOT_EVERY      records per partition between snapshots
//   CALL_SESSION_TIMEOUT_MS  how soon a killed member's partitions are taken over
// Prints `ready` once both are subscribed, and `stats {...}` (by group) when stopped with SIGTERM.
import pg from 'pg';
import { readConfig } from '../../platform/config.ts';
import { openLog } from '../../log/open-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { MasterKey } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { PostgresDataKeyStore } from '../../schemas/pii/postgres-data-key-store.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import { callProcessorKinds, startCallProcessor, type RunningCallProcessor } from './call-processor.ts';

const env = process.env;
const config = readConfig(env);
const namespace = env.CALL_NAMESPACE ?? '';
const sessionTimeoutMs = Number(env.CALL_SESSION_TIMEOUT_MS ?? '3000');
if (!config.masterKey) throw new Error('LEDGER_MASTER_KEY: required (the processor reveals and encrypts personal fields)');

const pool = new pg.Pool({ connectionString: config.databaseUrl ?? '', max: 4 });
const log = await openLog(config, { embedded: { sessionTimeoutMs, heartbeatMs: 300 }, kafka: { sessionTimeoutMs, connectDeadlineMs: 30_000 } });
let registry: SchemaRegistry;
if (config.log === 'kafka') registry = new ConfluentSchemaRegistry(config.registryUrl);
else {
  const table = new EmbeddedSchemaRegistry(pool, config.dbSchema);
  registry = table;
}
const keys = new PostgresDataKeyStore({ pool, masterKey: MasterKey.fromBase64(config.masterKey), schema: config.dbSchema });
await keys.migrate();
const personalData = new PersonalDataProtector(keys);
const codec = new EventCodec({ catalogue: catalogue(), registry, personalData });
const groupPrefix = env.CALL_GROUP_PREFIX ?? '';
const snapshots = new PostgresSnapshotStore(pool, config.dbSchema);
const processors: RunningCallProcessor[] = [];
for (const kind of callProcessorKinds) {
  processors.push(await startCallProcessor({
    kind,
    log,
    codec,
    personalData,
    snapshots,
    snapshotEvery: Number(env.CALL_SNAPSHOT_EVERY ?? '10000'),
    group: `${groupPrefix}${kind.name}`,
    topics: { interactions: `${namespace}ledger.interactions`, control: `${namespace}ledger.control`, deadLetter: `${namespace}ledger.deadletter` },
    startFrom: 'earliest',
    maxBatchSize: 50,
  }));
}

process.once('SIGTERM', () => {
  const stats = Object.fromEntries(callProcessorKinds.map((kind, i) => [kind.name, processors[i].processor.stats]));
  process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
  void Promise.all(processors.map((p) => p.stop())).then(() => log.close()).then(() => pool.end()).then(() => process.exit(0));
});
process.stdout.write('ready\n');
for (const processor of processors) {
  processor.done.catch((error: unknown) => {
    process.stderr.write(`call processor failed: ${String(error)}\n`);
    process.exit(1);
  });
}
