// npm run bench:risk — (1) transcript segments per second through every risk, QA and summary
// rule (full default rule sets) on one core, decisions wrapped in envelopes; (2) alert latency
// on the Kafka adapter: from a segment's append (the call) to the RiskAlertRaised it causes
// being read by another consumer (p50/p95/p99). Needs the broker and registry for (2).
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { catalogue as loadCatalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { MasterKey } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { PostgresDataKeyStore } from '../schemas/pii/postgres-data-key-store.ts';
import { ConfluentSchemaRegistry } from '../schemas/registry/confluent-registry.ts';
import { KafkaLog } from '../log/kafka/kafka-log.ts';
import { pinoSink } from '../log/kafka/pino-sink.ts';
import { readConfig } from '../platform/config.ts';
import { decideAll, defaultReactors, riskProcessor, startCallProcessor } from '../streams/risk/call-processor.ts';
import { loadCorpus } from '../test/corpus/evaluate.ts';
import { CallBuilder, eventsOfScript } from '../test/support/call-builder.ts';
import { testDatabaseUrl } from '../test/support/test-database.ts';

function throughput(): { segments: number; seconds: number; perSecond: number; outputs: number } {
  const corpus = loadCorpus();
  const calls: AnyLedgerEvent[][] = [];
  for (let i = 0; i < 3_000; i++) {
    const c = corpus[i % corpus.length];
    calls.push(eventsOfScript({ interactionId: `bench-${i}`, language: c.language }, c.script));
  }
  // Interleave calls (50 in flight at a time), as on a real partition.
  const events: AnyLedgerEvent[] = [];
  for (let base = 0; base < calls.length; base += 50) {
    const group = calls.slice(base, base + 50);
    const longest = Math.max(...group.map((g) => g.length));
    for (let k = 0; k < longest; k++) for (const g of group) if (k < g.length) events.push(g[k]);
  }
  const segments = events.filter((e) => e.type === 'TranscriptSegmentRecognized').length;
  const run = () => {
    const reactors = defaultReactors();
    let outputs = 0;
    const started = process.hrtime.bigint();
    for (const event of events) outputs += decideAll(reactors, event).length;
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, outputs };
  };
  run(); // warm-up
  const best = [run(), run(), run()].sort((a, b) => a.seconds - b.seconds)[0];
  return { segments, seconds: best.seconds, perSecond: Math.round(segments / best.seconds), outputs: best.outputs };
}

async function kafkaLatency(samples: number): Promise<{ samples: number; p50: number; p95: number; p99: number; max: number }> {
  const config = readConfig();
  const log = await KafkaLog.open({ brokers: config.kafkaBrokers, clientId: 'risk-bench', defaultPartitions: 3, replicationFactor: 1, logger: pinoSink('error'), connectDeadlineMs: 20_000 })
    .catch((error: Error) => { throw new Error(`Kafka broker not reachable at ${config.kafkaBrokers.join(',')}: ${error.message} (scripts/kafka.sh up)`); });
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
  const schema = `b_risk_${randomBytes(4).toString('hex')}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  const keys = new PostgresDataKeyStore({ pool, masterKey: new MasterKey(randomBytes(32)), schema });
  await keys.migrate();
  const personalData = new PersonalDataProtector(keys);
  const codec = new EventCodec({ catalogue: loadCatalogue(), registry: new ConfluentSchemaRegistry(config.registryUrl), personalData });
  await codec.registerAll();
  const topics = { interactions: `risk-bench-ix-${randomUUID()}`, control: `risk-bench-ctl-${randomUUID()}` };
  await log.createTopics([{ topic: topics.interactions, partitions: 3 }, { topic: topics.control, partitions: 1 }]);
  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  let resolveAll: () => void = () => undefined;
  const allSeen = new Promise<void>((resolve) => { resolveAll = resolve; });
  const processor = await startCallProcessor({ kind: riskProcessor, log, codec, personalData, group: `risk-bench-${randomUUID()}`, topics, startFrom: 'earliest' });
  const watcher = await log.subscribe({
    group: `risk-bench-watch-${randomUUID()}`, topics: [topics.interactions], startFrom: 'earliest',
    handler: async (batch) => {
      const now = performance.now();
      for (const record of batch.records) {
        const event = codec.decodeKnown(record.value);
        if (event.type !== 'RiskAlertRaised' || !event.metadata.causationId) continue;
        const at = appendedAt.get(event.metadata.causationId);
        if (at === undefined) continue;
        appendedAt.delete(event.metadata.causationId);
        latencies.push(now - at);
        if (latencies.length >= samples) resolveAll();
      }
    },
  });
  try {
    // Warm up the path, then one fraud segment every 20 ms (each in its own call).
    for (let i = 0; i < samples + 20; i++) {
      const call = new CallBuilder({ interactionId: `ix-bench-${i}-${randomUUID()}`, dataSubject: `customer:B-${i % 50}` });
      const segment = call.customer('对方说我的账户涉嫌洗钱，要我把钱转到安全账户');
      const value = await codec.encode(segment);
      // Noted before the append: the alert may be read before the append's acknowledgement is.
      if (i >= 20) appendedAt.set(segment.metadata.eventId, performance.now());
      await log.append([{ topic: topics.interactions, key: codec.keyOf(segment), value }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.race([allSeen, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length} alerts seen; none for segments ${[...appendedAt.keys()].join(', ')}`)), 60_000))]);
  } finally {
    await watcher.stop();
    await processor.stop();
    await log.close();
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
  const sorted = latencies.slice(0, samples).sort((a, b) => a - b);
  const q = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
  return { samples: sorted.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) };
}

const t = throughput();
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`throughput: ${t.segments} transcript segments in ${t.seconds.toFixed(3)} s through risk + QA + summary rules on one core = ${t.perSecond.toLocaleString('en')} segments/s (${t.outputs} decisions)`);
if (process.argv.includes('--no-kafka')) process.exit(0);
const l = await kafkaLatency(Number(process.env.RISK_BENCH_SAMPLES ?? 300));
console.log(`alert latency on Kafka (segment append called -> alert read by another consumer), ${l.samples} samples: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`);
console.log(JSON.stringify({ throughput: t, kafkaLatency: l }));
