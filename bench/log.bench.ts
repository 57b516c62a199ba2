// Log throughput: our Kafka adapter beside raw kafkajs producing and consuming the same bytes
// on the same broker in the same run, then the embedded adapter (bench/embedded-log.bench.ts,
// run as a child process; LEDGER_BENCH_EMBEDDED=0 leaves it out). One JSON line per figure.
// Target (issue 3): our Kafka adapter within 1.5x of raw kafkajs.
//   make kafka-up && npm run bench:log
//   LEDGER_BENCH_EVENTS=200000 LEDGER_KAFKA_BROKERS=host:9092 npm run bench:log
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../platform/config.ts';
import { KafkaLog } from '../log/kafka/kafka-log.ts';
import { pinoSink } from '../log/kafka/pino-sink.ts';
import { openRawKafkajs } from '../log/kafka/raw-kafkajs-baseline.ts';
import type { AppendRecord } from '../log/port.ts';

const config = readConfig();
const events = Number(process.env.LEDGER_BENCH_EVENTS ?? '100000');
const valueBytes = Number(process.env.LEDGER_BENCH_VALUE_BYTES ?? '250');
const batchSize = Number(process.env.LEDGER_BENCH_BATCH ?? '500');
const concurrency = Number(process.env.LEDGER_BENCH_CONCURRENCY ?? '4');
const partitions = 6;
const run = randomBytes(3).toString('hex');

const print = (figure: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
};
const round = (value: number): number => Math.round(value * 1000) / 1000;
const perSecond = (count: number, ms: number): number => Math.round(count / (ms / 1000));

function makeBatches(topic: string): AppendRecord[][] {
  // Avro-sized values with CloudEvents headers, keyed by interaction id: what the ledger writes.
  const value = randomBytes(valueBytes);
  const batches: AppendRecord[][] = [];
  for (let start = 0; start < events; start += batchSize) {
    batches.push(Array.from({ length: Math.min(batchSize, events - start) }, (_, j) => ({
      topic,
      key: `interaction-${(start + j) % 10_000}`,
      value,
      headers: { ce_id: `evt-${start + j}`, ce_type: 'IvrStepCompleted', ce_source: 'ivr', ce_time: '2026-11-26T10:00:00Z' },
    })));
  }
  return batches;
}

async function timed(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

const log = await KafkaLog.open({
  brokers: config.kafkaBrokers, clientId: `bench-${run}`, defaultPartitions: partitions,
  replicationFactor: config.topicReplication, logger: pinoSink('warn'), connectDeadlineMs: 30_000,
});
const raw = await openRawKafkajs(config.kafkaBrokers);
const common = { events, valueBytes, batchSize, concurrency, partitions, brokers: config.kafkaBrokers.join(',') };

const adapterTopic = `bench.adapter.${run}`;
const rawTopic = `bench.raw.${run}`;
await log.createTopics([{ topic: adapterTopic, partitions }, { topic: rawTopic, partitions }]);

// Raw first, then the adapter, so neither benefits from a warmer broker than the other... the
// broker is warmed by a small untimed round of each.
const warmTopic = `bench.warm.${run}`;
await log.createTopics([{ topic: warmTopic, partitions }]);
await raw.produce(makeBatches(warmTopic).slice(0, 10), concurrency);
await log.append(makeBatches(warmTopic)[0]);

const rawAppendMs = await timed(() => raw.produce(makeBatches(rawTopic), concurrency));
print({ adapter: 'raw-kafkajs', figure: 'append', ...common, seconds: round(rawAppendMs / 1000), eventsPerSecond: perSecond(events, rawAppendMs) });

const adapterAppendMs = await timed(async () => {
  const batches = makeBatches(adapterTopic);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < batches.length) await log.append(batches[next++]);
  }));
});
print({ adapter: 'kafka', figure: 'append', ...common, seconds: round(adapterAppendMs / 1000), eventsPerSecond: perSecond(events, adapterAppendMs), ratioToRaw: round(adapterAppendMs / rawAppendMs) });

const rawConsumeMs = await timed(() => raw.consume(rawTopic, events));
print({ adapter: 'raw-kafkajs', figure: 'consume', ...common, seconds: round(rawConsumeMs / 1000), eventsPerSecond: perSecond(events, rawConsumeMs) });

async function consumeWithAdapter(topic: string, output: string | undefined): Promise<number> {
  let consumed = 0;
  let allConsumed!: () => void;
  const finished = new Promise<void>((resolve) => { allConsumed = resolve; });
  const elapsed = await timed(async () => {
    const subscription = await log.subscribe({
      group: `bench-${run}-${output ? 'rpw' : 'consume'}`,
      topics: [topic],
      maxBatchSize: 1000,
      handler: async (batch, context) => {
        if (output) context.append(batch.records.map((r) => ({ topic: output, key: r.key, value: r.value, headers: r.headers })));
        consumed += batch.records.length;
        if (consumed >= events) allConsumed();
      },
    });
    await finished;
    await subscription.stop();
  });
  return elapsed;
}

const adapterConsumeMs = await consumeWithAdapter(rawTopic, undefined);
print({ adapter: 'kafka', figure: 'consume', ...common, seconds: round(adapterConsumeMs / 1000), eventsPerSecond: perSecond(events, adapterConsumeMs), ratioToRaw: round(adapterConsumeMs / rawConsumeMs) });

const outputTopic = `bench.output.${run}`;
await log.createTopics([{ topic: outputTopic, partitions }]);
const rpwMs = await consumeWithAdapter(rawTopic, outputTopic);
print({ adapter: 'kafka', figure: 'consume+append (read-process-write, transactional)', ...common, seconds: round(rpwMs / 1000), eventsPerSecond: perSecond(events, rpwMs) });

await raw.close();
await log.close();

if (process.env.LEDGER_BENCH_EMBEDDED !== '0') {
  // The embedded adapter's own bench (log/embedded owners) prints its JSON lines to our stdout.
  const script = fileURLToPath(new URL('./embedded-log.bench.ts', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`embedded-log.bench.ts exited with ${code}`))));
  });
}
