// Legacy import rate: a generated queue_log and a generated CDR file (default 1,000,000 rows each)
// imported into the embedded log (PostgreSQL), through the real codec with personal-field
// encryption, in batches, with the checkpoint after each batch. Prints one JSON line per file
// (rows/s, events/s, peak RSS). Files are written to a temporary directory and removed; the run
// uses a fresh schema that is dropped at the end.
//   npm run bench:import                       # LEDGER_BENCH_DATABASE_URL or the local `test` database
//   LEDGER_BENCH_ROWS=200000 npm run bench:import
//   LEDGER_BENCH_ONLY=queue_log npm run bench:import     # one file only (queue_log or cdr)
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { EmbeddedLog } from '../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../log/embedded/embedded-schema-registry.ts';
import { catalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import { MasterKey } from '../schemas/pii/data-key-store.ts';
import { PostgresDataKeyStore } from '../schemas/pii/postgres-data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { PostgresCheckpointStore } from '../producers/importers/runtime/checkpoints.ts';
import { logSink } from '../producers/importers/runtime/event-sink.ts';
import { importQueueLog } from '../producers/importers/asterisk-queue-log/import-queue-log.ts';
import { importCdr } from '../producers/importers/cdr/import-cdr.ts';
import { validateCdrMapping } from '../producers/importers/cdr/cdr-mapping.ts';

const databaseUrl = process.env.LEDGER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rows = Number(process.env.LEDGER_BENCH_ROWS ?? '1000000');
const callers = 5000;
const only = process.env.LEDGER_BENCH_ONLY;
const schema = `bench_imp_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));

/** Deterministic pseudo-random numbers (no Math.random: the same file on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function write(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** Calls of ~5 lines: ENTERQUEUE, 0-2 RINGNOANSWER, then CONNECT + COMPLETE* or ABANDON; agent pauses now and then. */
function* queueLog(target: number): Generator<string> {
  const random = lcg(7);
  let written = 0;
  let t = 1_767_225_600;
  let call = 0;
  const queues = ['cards', 'loans', 'wealth', 'general'];
  while (written < target) {
    t += 1 + Math.floor(random() * 3);
    const id = `${t}.${call++}`;
    const queue = queues[call % queues.length];
    const caller = `+86138${String(Math.floor(random() * callers)).padStart(8, '0')}`;
    const agent = `Agent/${1000 + Math.floor(random() * 400)}`;
    let lines = `${t}|${id}|${queue}|NONE|ENTERQUEUE||${caller}|1\n`;
    const rings = Math.floor(random() * 3);
    for (let r = 0; r < rings; r++) lines += `${t + 15 * (r + 1)}|${id}|${queue}|Agent/${2000 + r}|RINGNOANSWER|15000\n`;
    const wait = 15 * rings + Math.floor(random() * 10);
    if (random() < 0.85) {
      lines += `${t + wait}|${id}|${queue}|${agent}|CONNECT|${wait}|${id}1|2\n`;
      lines += `${t + wait + 60 + Math.floor(random() * 240)}|${id}|${queue}|${agent}|${random() < 0.5 ? 'COMPLETEAGENT' : 'COMPLETECALLER'}|${wait}|120|1\n`;
    } else {
      lines += `${t + wait}|${id}|${queue}|NONE|ABANDON|1|1|${wait}\n`;
    }
    if (call % 50 === 0) lines += `${t}|NONE|${queue}|${agent}|PAUSE|break\n${t + 1}|NONE|${queue}|${agent}|UNPAUSE|\n`;
    written += lines.split('\n').length - 1;
    yield lines;
  }
}

const cdrMapping = validateCdrMapping({
  version: 1, timeZone: 'Asia/Shanghai', absent: ['', 'NULL'], timeAbsent: ['0:00:00'], dateFormat: 'YYYY-MM-DD', timeFormat: 'H:mm:ss',
  fields: {
    callId: { column: 'call_id' }, callerNumber: { column: 'ani' }, tier: { column: 'segment', map: { V: 'VIP', N: 'STANDARD' }, default: 'UNKNOWN' },
    queue: { column: 'service', map: { '1': 'cards', '2': 'loans', '3': 'wealth' } }, agent: { column: 'agent' },
    outcome: { column: 'result', map: { A: 'ANSWERED', B: 'ABANDONED' } },
  },
  times: {
    queueEntry: { date: 'day', time: 'q_in' }, queueExit: { date: 'day', time: 'q_out' },
    serviceStart: { date: 'day', time: 'svc_start' }, serviceEnd: { date: 'day', time: 'svc_end' },
  },
});

function* cdr(target: number): Generator<string> {
  const random = lcg(11);
  yield 'call_id,day,ani,segment,service,q_in,q_out,svc_start,svc_end,result,agent\n';
  const hms = (s: number) => `${Math.floor(s / 3600) % 24}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  for (let i = 0; i < target; i++) {
    const day = `2026-01-${String(1 + Math.floor(i / 40_000) % 28).padStart(2, '0')}`;
    const start = 8 * 3600 + Math.floor((i % 40_000) * 1.2);
    const wait = Math.floor(random() * 40);
    const answered = random() < 0.85;
    const talk = 60 + Math.floor(random() * 240);
    yield `R${i},${day},138${String(Math.floor(random() * callers)).padStart(8, '0')},${random() < 0.1 ? 'V' : 'N'},${1 + (i % 3)},${hms(start)},${hms(start + wait)},`
      + (answered ? `${hms(start + wait)},${hms(start + wait + talk)},A,A${i % 400}\n` : '0:00:00,0:00:00,B,NULL\n');
  }
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const log = await EmbeddedLog.open({ connectionString: databaseUrl, schema, defaultPartitions: 6 });
  try {
    await log.createTopics(['ledger.interactions', 'ledger.agents'].map((topic) => ({ topic, partitions: 6 })));
    const keys = new PostgresDataKeyStore({ pool, masterKey: new MasterKey(randomBytes(32)), schema });
    await keys.migrate();
    const codec = new EventCodec({ catalogue: catalogue(), registry: new EmbeddedSchemaRegistry(pool, schema), personalData: new PersonalDataProtector(keys) });
    const checkpoints = new PostgresCheckpointStore(pool, schema);
    await checkpoints.migrate();
    const sink = logSink({ log, codec });

    let peakRss = 0;
    const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
    const measure = async (name: string, run: () => Promise<{ lines: number; appended: number; rejected: number }>) => {
      peakRss = process.memoryUsage().rss;
      const started = performance.now();
      const report = await run();
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${JSON.stringify({
        bench: 'import', file: name, rows: report.lines, events: report.appended, rejected: report.rejected, seconds: Number(seconds.toFixed(1)),
        rowsPerSecond: Math.round(report.lines / seconds), eventsPerSecond: Math.round(report.appended / seconds), peakRssMb: Math.round(peakRss / 1e6),
      })}\n`);
    };

    if (only === undefined || only === 'queue_log') {
      const qlog = join(dir, 'bench.queue_log');
      await write(qlog, queueLog(rows));
      await measure('queue_log', () => importQueueLog({ file: qlog, settings: { source: 'bench-qlog' }, sink, checkpoints }));
      rmSync(qlog);
    }
    if (only === undefined || only === 'cdr') {
      const csv = join(dir, 'bench.csv');
      await write(csv, cdr(rows));
      await measure('cdr', () => importCdr({ file: csv, mapping: cdrMapping, source: 'bench-cdr', sink, checkpoints }));
      await measure('cdr again (already imported: nothing appended)', () => importCdr({ file: csv, mapping: cdrMapping, source: 'bench-cdr', sink, checkpoints }));
    }
    clearInterval(sample);
  } finally {
    await log.close();
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
