// Append and consume throughput of the embedded (PostgreSQL) log adapter. Prints one JSON line
// per figure. Target (DESIGN.md / issue 3): >= 20,000 events/s appended and consumed.
//   node bench/embedded-log.bench.ts            # uses LEDGER_BENCH_DATABASE_URL or the local `test` database
//   LEDGER_BENCH_EVENTS=200000 node bench/embedded-log.bench.ts
// Runs in a fresh schema that is dropped at the end.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { EmbeddedLog } from '../log/embedded/embedded-log.ts';
import type { AppendRecord } from '../log/port.ts';
import { copyHeader, copyTrailer, encodeRows, eventColumns, type EventRow } from '../log/embedded/copy-binary.ts';

const databaseUrl = process.env.LEDGER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const events = Number(process.env.LEDGER_BENCH_EVENTS ?? '100000');
const valueBytes = Number(process.env.LEDGER_BENCH_VALUE_BYTES ?? '250');
const partitions = 6;
const schema = `bench_${randomBytes(4).toString('hex')}`;

const print = (figure: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ adapter: 'embedded', ...figure })}\n`);
};

function makeRecords(topic: string, count: number): AppendRecord[] {
  // Avro-sized values with realistic CloudEvents headers, keyed by interaction id.
  const value = randomBytes(valueBytes);
  return Array.from({ length: count }, (_, i) => ({
    topic,
    key: `interaction-${i % 10_000}`,
    value,
    headers: { ce_id: `evt-${i}`, ce_type: 'IvrStepCompleted', ce_source: 'ivr', ce_time: '2026-11-26T10:00:00Z' },
  }));
}

async function appendThroughput(log: EmbeddedLog, batchSize: number, concurrency: number): Promise<string> {
  const topic = `bench.append.${batchSize}.${concurrency}`;
  await log.createTopics([{ topic, partitions }]);
  const records = makeRecords(topic, events);
  const batches: AppendRecord[][] = [];
  for (let i = 0; i < records.length; i += batchSize) batches.push(records.slice(i, i + batchSize));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) await log.append(batches[next++]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  print({ figure: 'append', events, valueBytes, batchSize, concurrency, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) });
  return topic;
}

async function consumeThroughput(log: EmbeddedLog, topic: string, maxBatchSize: number, writeOutput: boolean): Promise<void> {
  const output = `${topic}.out.${maxBatchSize}`;
  if (writeOutput) await log.createTopics([{ topic: output, partitions }]);
  let consumed = 0;
  let finished: () => void = () => undefined;
  const allConsumed = new Promise<void>((resolve) => (finished = resolve));
  const started = performance.now();
  const subscription = await log.subscribe({
    group: `bench-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    maxBatchSize,
    handler: async (batch, context) => {
      if (writeOutput) context.append(batch.records.map((r) => ({ topic: output, key: r.key, value: r.value, headers: r.headers })));
      consumed += batch.records.length;
      if (consumed >= events) finished();
    },
  });
  await allConsumed;
  const seconds = (performance.now() - started) / 1000;
  await subscription.stop();
  print({
    figure: writeOutput ? 'consume+append (read-process-write)' : 'consume',
    events,
    maxBatchSize,
    seconds: round(seconds),
    eventsPerSecond: Math.round(events / seconds),
  });
}

/**
 * The limit for appends: PostgreSQL's binary COPY of the same rows into a bare table of the same
 * shape (same primary key), one COPY per batch in its own transaction, with no partition heads to
 * lock and no append notifications: what the adapter's append costs on top of writing the rows.
 */
async function rawCopyThroughput(log: EmbeddedLog, batchSize: number, concurrency: number): Promise<void> {
  const table = `"${schema}".raw_copy_${batchSize}_${concurrency}`;
  await log.pool.query(`create table ${table} (topic text not null, partition integer not null, "offset" bigint not null, key text, headers json not null, value bytea not null, "timestamp" bigint not null, primary key (topic, partition, "offset"))`);
  const value = randomBytes(valueBytes);
  const rows: EventRow[] = Array.from({ length: events }, (_, i) => ({
    topic: 'bench.raw', partition: i % partitions, offset: Math.floor(i / partitions), key: `interaction-${i % 10_000}`, value, timestamp: Date.now(),
    headers: JSON.stringify({ ce_id: `evt-${i}`, ce_type: 'IvrStepCompleted', ce_source: 'ivr', ce_time: '2026-11-26T10:00:00Z' }),
  }));
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < rows.length) {
      const batch = rows.slice(next, next + batchSize);
      next += batchSize;
      const client = await log.pool.connect();
      try {
        await client.query('begin');
        await pipeline(Readable.from([copyHeader(), encodeRows(batch), copyTrailer()]), client.query(copyFrom(`copy ${table} ${eventColumns} from stdin with (format binary)`)));
        await client.query('commit');
      } finally {
        client.release();
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  print({ figure: 'raw PostgreSQL COPY of the same rows (the limit)', events, valueBytes, batchSize, concurrency, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) });
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

const log = await EmbeddedLog.open({ connectionString: databaseUrl, schema });
try {
  const server = await log.pool.query<{ server_version: string }>('show server_version');
  print({ figure: 'setup', postgres: server.rows[0].server_version, events, valueBytes, partitions, node: process.version });
  await rawCopyThroughput(log, 1000, 4);
  await appendThroughput(log, 1000, 1);
  await appendThroughput(log, 1000, 4);
  const topic = await appendThroughput(log, 10_000, 1);
  await appendThroughput(log, 100, 4);
  await consumeThroughput(log, topic, 1000, false);
  await consumeThroughput(log, topic, 5000, false);
  await consumeThroughput(log, topic, 1000, true);
} finally {
  await log.pool.query(`drop schema "${schema}" cascade`);
  await log.close();
}
