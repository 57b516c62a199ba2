// The routing pipeline as its own process, for the end-to-end spec's crash test (it kills this
// process with SIGKILL in the middle of a batch and starts it again). Wired from LEDGER_* like
// every process, plus:
//   ROUTING_NAMESPACE       prefix of every topic (a fresh one per test)
//   ROUTING_SITES           comma-separated routing domains
//   ROUTING_SNAPSHOT_EVERY  records per partition between snapshots
//   ROUTING_STALL_AFTER     after this many routing inputs, print `stalled` and block inside the batch
//   ROUTING_SESSION_TIMEOUT_MS  how soon a killed member's partitions are taken over
//   ROUTING_MAX_BATCH       records per batch (default 50)
//   ROUTING_TICK_MS         run the ticker at this interval (wall clock); default: no ticker
//   ROUTING_DEBUG_SIZES     report inputs that cause many decisions (stderr)
import pg from 'pg';
import { readConfig } from '../../platform/config.ts';
import { openLog } from '../../log/open-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import { startRoutingService } from './routing-service.ts';

const env = process.env;
const config = readConfig(env);
const namespace = env.ROUTING_NAMESPACE ?? '';
const stallAfter = Number(env.ROUTING_STALL_AFTER ?? '0');
const sessionTimeoutMs = Number(env.ROUTING_SESSION_TIMEOUT_MS ?? '3000');
const databaseUrl = config.databaseUrl ?? '';

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const log = await openLog(config, { embedded: { sessionTimeoutMs, heartbeatMs: 300 }, kafka: { sessionTimeoutMs, connectDeadlineMs: 30_000 } });
let registry: SchemaRegistry;
if (config.log === 'kafka') registry = new ConfluentSchemaRegistry(config.registryUrl);
else {
  const table = new EmbeddedSchemaRegistry(pool, config.dbSchema);
  registry = table;
}
const codec = new EventCodec({ catalogue: catalogue(), registry });
let seen = 0;
const service = await startRoutingService({
  log,
  codec,
  snapshots: new PostgresSnapshotStore(pool, config.dbSchema),
  sites: (env.ROUTING_SITES ?? 'sh').split(','),
  topicName: (topic) => `${namespace}${topic}`,
  snapshotEvery: Number(env.ROUTING_SNAPSHOT_EVERY ?? '10000'),
  maxBatchSize: Number(env.ROUTING_MAX_BATCH ?? '50'),
  ticks: env.ROUTING_TICK_MS ? { intervalMs: Number(env.ROUTING_TICK_MS), now: () => Date.now(), onError: (error) => process.stderr.write(`tick failed: ${String(error)}\n`) } : undefined,
  onDecisions: env.ROUTING_DEBUG_SIZES ? (records, input) => {
    const bytes = records.reduce((sum, r) => sum + r.value.length, 0);
    if (bytes > 20_000 || records.length > 20) process.stderr.write(`large output: ${records.length} records, ${bytes} bytes, from ${input.topic}/${input.partition}/${input.offset}\n`);
  } : undefined,
  wrapRouting: (definition) => ({
    ...definition,
    decide(input, state, source) {
      const outputs = definition.decide(input, state, source);
      seen++;
      if (stallAfter > 0 && seen === stallAfter) {
        process.stdout.write(`stalled ${source.partition} ${source.offset}\n`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000); // blocks this process mid-batch until it is killed
      }
      return outputs;
    },
  }),
});

process.once('SIGTERM', () => {
  process.stdout.write(`stats ${JSON.stringify({ sequencer: service.sequencer.stats, routing: service.routing.stats })}\n`);
  void service.stop().then(() => log.close()).then(() => pool.end()).then(() => process.exit(0));
});
process.stdout.write('ready\n');
service.done.catch(async (error: unknown) => {
  process.stderr.write(`routing failed: ${String(error)}\n`);
  process.exit(1);
});
