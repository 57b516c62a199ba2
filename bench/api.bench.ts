// Ingest throughput and latency of the API under concurrent load from a SECOND process, on the
// embedded log. The parent opens a ledger in a fresh PostgreSQL schema (dropped at the end),
// starts the API, and forks this file as the load generator, which posts JSON events over
// keep-alive HTTP connections and reports accepted events/s and latency percentiles.
// Target (issue 7): >= 5,000 events/s accepted with p99 <= 50 ms.
//   npm run bench:api
//   LEDGER_BENCH_SECONDS=20 LEDGER_BENCH_CONCURRENCY=64 LEDGER_BENCH_BATCH=1 npm run bench:api
import { fork } from 'node:child_process';
import os from 'node:os';
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AppendRecord, LedgerLog } from '../log/port.ts';
import { toAppendRecord } from '../log/runtime/event-records.ts';
import type { EncodableEvent } from '../schemas/codec/event-codec.ts';

const seconds = Number(process.env.LEDGER_BENCH_SECONDS ?? '15');
const warmupSeconds = Number(process.env.LEDGER_BENCH_WARMUP ?? '3');
/** Log appends the ingest service runs at once (IngestService appends its groups in turn). */
const ingestAppenders = 1;
const print = (figure: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
};

interface LoadSpec {
  readonly url: string;
  readonly token: string;
  readonly concurrency: number;
  readonly batch: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

// ─────────────── load generator (child process) ───────────────

function makeEvent(i: number): Record<string, unknown> {
  const call = `ix-bench-${i % 2000}`;
  const now = Date.now();
  const metadata = { eventId: randomUUID(), occurredAt: now, sourceSystem: 'new', interactionId: call, correlationId: null, causationId: null };
  switch (i % 10) {
    case 0: case 1: case 2:
      return {
        type: 'TranscriptSegmentRecognized', metadata: { ...metadata, eventType: 'TranscriptSegmentRecognized', dataSubject: `customer:${call}` },
        data: { segmentId: `${call}/s${i}`, speaker: 'CUSTOMER', text: '我的信用卡丢了，想办理挂失', startMs: 1000, endMs: 4000, confidence: 0.93, language: 'zh-CN', engine: 'asr-1' },
      };
    case 3: case 4:
      return {
        type: 'QueuePositionAnnounced', metadata: { ...metadata, eventType: 'QueuePositionAnnounced', dataSubject: null },
        data: { visitId: `${call}/q1`, queueId: 'q-credit-card', position: 3, expectedWaitMs: 45_000, promptId: 'pos-3' },
      };
    default:
      return {
        type: 'IvrNodeEntered', metadata: { ...metadata, eventType: 'IvrNodeEntered', dataSubject: null },
        data: { flowId: 'ivr-main', flowVersion: 12, nodeId: 'card-services', nodeType: 'MENU', nodeLabel: 'card services', depth: 1, previousNodeId: 'root' },
      };
  }
}

async function runLoad(spec: LoadSpec): Promise<Record<string, unknown>> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const target = new URL(spec.batch === 1 ? '/v1/events' : '/v1/events/batch', spec.url);
  let n = 0;
  const post = (body: string): Promise<number> => new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${spec.token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let accepted = 0;
  let measuring = false;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const events = Array.from({ length: spec.batch }, () => makeEvent(n++));
      const body = JSON.stringify(spec.batch === 1 ? events[0] : { events });
      const started = performance.now();
      const status = await post(body);
      const ms = performance.now() - started;
      if (!measuring) continue;
      latencies.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200 || status === 201) accepted += spec.batch;
    }
  };
  const workers = Array.from({ length: spec.concurrency }, worker);
  await new Promise((r) => setTimeout(r, spec.warmupSeconds * 1000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] * 10) / 10;
  return {
    figure: 'ingest', concurrency: spec.concurrency, eventsPerRequest: spec.batch, seconds: Math.round(elapsed * 10) / 10, requests: latencies.length,
    eventsAccepted: accepted, eventsPerSecond: Math.round(accepted / elapsed), latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: pct(100) },
    statuses: Object.fromEntries(statuses),
  };
}

// ─────────────── raw limit: the log alone, in the parent ───────────────

/**
 * The embedded log's own append rate for groups of the size the API formed, appended by as many
 * concurrent appenders as the ingest service runs, without HTTP, validation, encoding or dedupe:
 * what the API could reach at most on this machine at this moment.
 */
async function rawLogAppend(log: LedgerLog, records: readonly AppendRecord[], groupSize: number, appenders: number, forSeconds: number): Promise<Record<string, unknown>> {
  const latencies: number[] = [];
  let appended = 0;
  let next = 0;
  const until = performance.now() + forSeconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: appenders }, async () => {
    while (performance.now() < until) {
      const group = Array.from({ length: groupSize }, () => records[next++ % records.length]);
      const started = performance.now();
      await log.append(group);
      latencies.push(performance.now() - started);
      appended += group.length;
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] * 10) / 10;
  return { figure: 'raw log append (the limit)', groupSize, appenders, eventsPerSecond: Math.round(appended / elapsed), appendLatencyMs: { p50: pct(50), p99: pct(99) } };
}

// ─────────────── parent: ledger + API ───────────────

async function main(): Promise<void> {
  const { openTestApi } = await import('../test/support/api-harness.ts');
  const t = await openTestApi({
    limits: { ratePerSource: 10_000_000, burstPerSource: 10_000_000 },
    configOverrides: { LEDGER_TOPIC_PARTITIONS: '6', ...(process.env.LEDGER_BENCH_DATABASE_URL ? { LEDGER_DATABASE_URL: process.env.LEDGER_BENCH_DATABASE_URL } : {}) },
  });
  try {
    const token = await t.token('ingest', { source: 'bench', expiresIn: 3600 });
    const settings = (process.env.LEDGER_BENCH_SETTINGS ?? '1x64,1x128,10x16').split(',').map((s) => s.split('x').map(Number));
    // The same events as the load, encoded as the API would (stamped, Avro defaults filled in).
    const records = await Promise.all(Array.from({ length: 2000 }, (_, i) => {
      const raw = makeEvent(i) as { type: string; metadata: Record<string, unknown>; data: object };
      const stamped = { metadata: { ...raw.metadata, recordedAt: Date.now(), producer: { component: 'bench', version: '0' } }, data: raw.data };
      const event = t.ledger.codec.catalogue.get(raw.type).avroType.clone(stamped) as Omit<EncodableEvent, 'type'>;
      return toAppendRecord(t.ledger.codec, { type: raw.type, metadata: event.metadata, data: event.data });
    }));
    const groupSizes = async (): Promise<{ sum: number; count: number }> => {
      const values = (await t.api.metrics.ingestBatch.get()).values;
      return {
        sum: values.find((v) => v.metricName === 'ledger_api_append_batch_size_sum')?.value ?? 0,
        count: values.find((v) => v.metricName === 'ledger_api_append_batch_size_count')?.value ?? 0,
      };
    };
    for (const [batch, concurrency] of settings) {
      const groupsBefore = await groupSizes();
      const cpuBefore = process.cpuUsage();
      const child = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
        child.once('message', (m) => resolve(m as Record<string, unknown>));
        child.once('error', reject);
        child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
        child.send({ url: t.api.url, token, concurrency, batch, seconds, warmupSeconds } satisfies LoadSpec);
      });
      child.kill();
      const cpu = process.cpuUsage(cpuBefore);
      const apiCpuMicrosPerEvent = Math.round((cpu.user + cpu.system) / Math.max(1, Number(result.eventsAccepted) * (1 + warmupSeconds / seconds)));
      const groupsAfter = await groupSizes();
      const meanEventsPerLogAppend = (groupsAfter.sum - groupsBefore.sum) / Math.max(1, groupsAfter.count - groupsBefore.count);
      // CPU of the API process (parent) per accepted event, warm-up included pro rata: what one core could carry without contention.
      print({ adapter: 'embedded', ...result, meanEventsPerLogAppend: Math.round(meanEventsPerLogAppend * 10) / 10, apiCpuMicrosPerEvent, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) });
      const raw = await rawLogAppend(t.ledger.log, records, Math.max(1, Math.round(meanEventsPerLogAppend)), ingestAppenders, Math.min(seconds, 5));
      print({ adapter: 'embedded', ...raw, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) });
    }
  } finally {
    await t.close();
  }
}

if (process.argv.includes('--load')) {
  process.once('message', (spec) => {
    runLoad(spec as LoadSpec).then((result) => {
      process.send?.(result, () => process.exit(0));
    }, (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
} else {
  await main();
}
