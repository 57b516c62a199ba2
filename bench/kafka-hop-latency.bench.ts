// The raw limit for the live-path latency targets: plain kafkajs on the same broker doing what a
// processor hop does — an idempotent append, a read_committed consumer that writes its output in a
// transaction together with its consumed offsets (exactly-once), and a read_committed reader of the
// output; and the same hop at-least-once (no transaction), to show what the transactions cost.
// Prints JSON lines: append→output-read latency percentiles.
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
// The same kafkajs fix the product's clients run with (a 1 ms wake-up per idle connection, kafkajs
// #1751), so that the limit and the product are measured on the same client.
import '../log/kafka/kafkajs-request-queue-patch.ts';

const brokers = (process.env.LEDGER_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const samples = Number(process.env.HOP_BENCH_SAMPLES ?? 200);
const kafka = new Kafka({ clientId: 'hop-bench', brokers, logLevel: logLevel.NOTHING });
const id = randomBytes(4).toString('hex');
const maxWaitTimeInMs = Number(process.env.HOP_MAX_WAIT_MS ?? 5000);

/**
 * One raw kafkajs hop. `transactional`: the processor writes its output and its consumed offsets
 * in one transaction and both consumers read committed (exactly-once, what the adapter does).
 * Otherwise at-least-once: the output is appended by an idempotent producer (acks=all), the
 * offsets are committed after the ack, and a redelivered batch re-appends the same records
 * (consumers deduplicate by event id) — no transaction markers to wait for.
 */
async function rawHop(transactional: boolean): Promise<void> {
  const run = `${id}-${transactional ? 'tx' : 'alo'}`;
  const input = `hop.in.${run}`;
  const output = `hop.out.${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const txProducer = kafka.producer({ transactionalId: `hop-${run}`, idempotent: true, maxInFlightRequests: 1 });
  const processor = kafka.consumer({ groupId: `hop-proc-${run}`, readUncommitted: false, maxWaitTimeInMs });
  const reader = kafka.consumer({ groupId: `hop-read-${run}`, readUncommitted: false, maxWaitTimeInMs });
  await Promise.all([producer.connect(), txProducer.connect(), processor.connect(), reader.connect()]);
  await processor.subscribe({ topics: [input], fromBeginning: true });
  await reader.subscribe({ topics: [output], fromBeginning: true });

  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  let resolveNext: (() => void) | undefined;

  await processor.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
      const next = String(Number(batch.lastOffset()) + 1);
      if (transactional) {
        const transaction = await txProducer.transaction();
        await transaction.send({ topic: output, messages });
        await transaction.sendOffsets({ consumerGroupId: `hop-proc-${run}`, topics: [{ topic: input, partitions: [{ partition: batch.partition, offset: next }] }] });
        await transaction.commit();
      } else {
        await producer.send({ topic: output, acks: -1, messages });
        await processor.commitOffsets([{ topic: input, partition: batch.partition, offset: next }]);
      }
      for (const m of batch.messages) resolveOffset(m.offset);
    },
  });
  await reader.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      const start = sentAt.get(key);
      if (start !== undefined) {
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
        resolveNext?.();
      }
    },
  });
  await new Promise((r) => setTimeout(r, 3000)); // both groups joined

  for (let i = 0; i < samples; i += 1) {
    const key = `k${i}`;
    const done = new Promise<void>((resolve) => (resolveNext = resolve));
    await producer.send({ topic: input, acks: -1, messages: [{ key, value: randomBytes(200) }] });
    sentAt.set(key, process.hrtime.bigint());
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    await new Promise((r) => setTimeout(r, 20));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1));
  const figure = transactional
    ? 'raw kafkajs: append → transactional processor → read_committed reader'
    : 'raw kafkajs, at-least-once: append → processor (idempotent append, offsets after the ack) → reader';
  console.log(JSON.stringify({ bench: 'kafka-hop-latency', figure, samples: latencies.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), maxWaitTimeInMs, date: new Date().toISOString() }));
  await Promise.all([processor.disconnect(), reader.disconnect(), producer.disconnect(), txProducer.disconnect()]);
  await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
  await admin.disconnect();
}

await rawHop(true);
await rawHop(false);

// The same hop through our KafkaLog adapter, with each output delivery (log/port.ts).
async function adapterHop(outputDelivery: 'atomic' | 'at-least-once'): Promise<void> {
  const { KafkaLog } = await import('../log/kafka/kafka-log.ts');
  const { pinoSink } = await import('../log/kafka/pino-sink.ts');
  const log = await KafkaLog.open({ brokers, clientId: 'hop-bench-adapter', defaultPartitions: 1, replicationFactor: 1, logger: pinoSink('error') });
  const run = `${id}-${outputDelivery}`;
  const inTopic = `hop.adapter.in.${run}`;
  const outTopic = `hop.adapter.out.${run}`;
  await log.createTopics([{ topic: inTopic, partitions: 1 }, { topic: outTopic, partitions: 1 }]);
  const started = new Map<string, bigint>();
  const adapterLatencies: number[] = [];
  let wake: (() => void) | undefined;
  const hop = await log.subscribe({ group: `hop-adapter-proc-${run}`, topics: [inTopic], outputDelivery, handler: async (batch, context) => {
    context.append(batch.records.map((r) => ({ topic: outTopic, key: r.key, value: r.value })));
  } });
  const read = await log.subscribe({ group: `hop-adapter-read-${run}`, topics: [outTopic], handler: async (batch) => {
    for (const r of batch.records) {
      const start = started.get(r.key ?? '');
      if (start !== undefined) { adapterLatencies.push(Number(process.hrtime.bigint() - start) / 1e6); wake?.(); }
    }
  } });
  await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < samples; i += 1) {
    const key = `k${i}`;
    const done = new Promise<void>((resolve) => (wake = resolve));
    await log.append([{ topic: inTopic, key, value: randomBytes(200) }]);
    started.set(key, process.hrtime.bigint());
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    await new Promise((r) => setTimeout(r, 20));
  }
  adapterLatencies.sort((a, b) => a - b);
  const q = (p: number) => Number(adapterLatencies[Math.min(adapterLatencies.length - 1, Math.floor(p * adapterLatencies.length))]?.toFixed(1));
  const figure = outputDelivery === 'atomic'
    ? 'our KafkaLog adapter: append → subscribe with BatchContext.append → subscribe reader'
    : "our KafkaLog adapter, outputDelivery 'at-least-once': append → subscribe with BatchContext.append → subscribe reader";
  console.log(JSON.stringify({ bench: 'kafka-hop-latency', figure, samples: adapterLatencies.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1) }));
  await hop.stop();
  await read.stop();
  await log.close();
}

await adapterHop('atomic');
await adapterHop('at-least-once');
