// npm run bench:projections — the projection runtime on the embedded log (PostgreSQL):
//   1. a log of >= 2 million call and agent events (peak days: 20,000 calls and 200 agents a day),
//   2. the raw read rate of that log (readRange of every partition, no decoding, no projecting),
//   3. the rebuild rate of all read models together (decode, fold, write, checkpoint, swap),
//   4. steady-state lag of the live projections while events arrive at 5,000 events/s.
// One JSON line per figure. Fresh schemas in LEDGER_BENCH_DATABASE_URL (default the test
// database), dropped at the end. LEDGER_BENCH_EVENTS sets the log size (default 2,000,000).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freshNames, openTestLedger } from '../projections/testing/int-support.ts';
import { rebuild } from '../projections/runtime/rebuild.ts';
import { startProjections } from '../projections/runtime/live.ts';
import { generateDay } from '../projections/wallboard/fixture-day/generate-day.ts';
import type { AppendRecord } from '../log/port.ts';
import { quoteIdent } from '../projections/runtime/table-writer.ts';
import { measureMachineSpeed } from './runner/machine-speed.ts';

const target = Number(process.env.LEDGER_BENCH_EVENTS ?? 2_000_000);
const steadyRate = Number(process.env.LEDGER_BENCH_STEADY_RATE ?? 5000);
const steadySeconds = Number(process.env.LEDGER_BENCH_STEADY_SECONDS ?? 30);
const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'projections', ...figure })}\n`);
const names = { ...freshNames('embedded'), prefix: `pb_${randomBytes(3).toString('hex')}` };
const ledger = await openTestLedger(names);

try {
  // 1. The log.
  let started = Date.now();
  let appended = 0;
  let day = 0;
  const mix = new Map<string, number>();
  while (appended < target) {
    const fixture = generateDay({ seed: 1000 + day, calls: 20_000, agents: 200, idPrefix: `d${day}`, dayOffset: day });
    for (const event of fixture.events) mix.set(event.type, (mix.get(event.type) ?? 0) + 1);
    const records = await ledger.encode(fixture.events);
    await ledger.appendRecords(records);
    appended += records.length;
    day += 1;
    process.stderr.write(`\rlog: ${appended} events (${day} days)`);
  }
  process.stderr.write('\n');
  print({ figure: 'log written', events: appended, days: day, seconds: (Date.now() - started) / 1000, mix: Object.fromEntries(mix) });

  // 2. Raw read rate of the same log.
  started = Date.now();
  let read = 0;
  let bytes = 0;
  for (const topic of [ledger.topic('ledger.interactions'), ledger.topic('ledger.agents')]) {
    for await (const batch of ledger.log.readRange({ topic, batchSize: 10_000 })) {
      read += batch.length;
      for (const record of batch) bytes += record.value.length;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  print({ figure: 'raw read (readRange, no decode)', events: read, seconds, eventsPerSecond: Math.round(read / seconds), meanValueBytes: Math.round(bytes / read) });

  // 3. Rebuild of all read models together.
  let lastLine = 0;
  const result = await rebuild({
    knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models,
    onProgress: (p) => {
      if (Date.now() - lastLine < 2000 && p.phase !== 'swapped') return;
      lastLine = Date.now();
      process.stderr.write(`rebuild: ${p.processed}/${p.total} ${p.eventsPerSecond} events/s ETA ${p.etaSeconds === null ? '?' : Math.round(p.etaSeconds)} s (${p.phase})\n`);
    },
  });
  print({ figure: 'rebuild all read models (decode + fold + write + checkpoint + swap)', readModels: ledger.models.map((m) => m.name), events: result.records, seconds: result.seconds, eventsPerSecond: result.eventsPerSecond });
  const sizes = (await ledger.knex.raw<{ rows: { table: string; rows: string }[] }>(
    `select schemaname || '.' || relname as table, n_live_tup as rows from pg_stat_user_tables where schemaname like ? order by 1`, [`${names.prefix}\\_%`],
  )).rows;
  print({ figure: 'read model sizes after rebuild', tables: Object.fromEntries(sizes.map((r) => [r.table, Number(r.rows)])) });

  // 4. Steady state: events arrive at `steadyRate`/s; sample the projections' lag.
  const steady = generateDay({ seed: 424242, calls: Math.ceil((steadyRate * steadySeconds) / 12), agents: 100, idPrefix: 'steady', dayOffset: day + 1 });
  const steadyRecords: AppendRecord[] = await ledger.encode(steady.events.slice(0, steadyRate * steadySeconds));
  const live = await startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: `bench-${names.prefix}` });
  const versions = await ledger.store.currentVersions(ledger.models.map((m) => m.name));
  const lagSamples: number[] = [];
  const checkpointSql = ledger.models.map((m) => `select topic, partition, next_offset from ${quoteIdent(ledger.store.versionSchema(m.name, versions.get(m.name) as number))}.checkpoints`).join(' union all ');
  const lagNow = async (): Promise<number> => {
    let lag = 0;
    const rows = (await ledger.knex.raw<{ rows: { topic: string; partition: number; next_offset: string }[] }>(checkpointSql)).rows;
    for (const topic of [ledger.topic('ledger.interactions'), ledger.topic('ledger.agents')]) {
      const description = await ledger.log.describeTopic(topic);
      for (const p of description.partitions) {
        for (const row of rows.filter((r) => r.topic === topic && r.partition === p.partition)) lag = Math.max(lag, p.high - Number(row.next_offset));
      }
    }
    return lag;
  };
  // Wait until the live projections have caught up with the rebuilt tail.
  while ((await lagNow()) > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  const tickMs = 100;
  const perTick = Math.round((steadyRate * tickMs) / 1000);
  started = Date.now();
  let sent = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      lagSamples.push(await lagNow());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  while (sent < steadyRecords.length) {
    const due = Math.min(steadyRecords.length, Math.round(((Date.now() - started) / 1000) * steadyRate));
    if (due > sent) {
      await ledger.log.append(steadyRecords.slice(sent, due));
      sent = due;
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  const sendSeconds = (Date.now() - started) / 1000;
  sampling = false;
  await sampler;
  const drainStart = Date.now();
  while ((await lagNow()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const drainMs = Date.now() - drainStart;
  await live.stop();
  const sorted = [...lagSamples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  print({
    figure: `steady-state lag at ${steadyRate} events/s (live projections, max over partitions and read models)`, events: sent, seconds: sendSeconds,
    achievedRate: Math.round(sent / sendSeconds), samples: sorted.length, lagEventsP50: at(0.5), lagEventsP95: at(0.95), lagEventsMax: sorted.at(-1), perTick,
    drainAfterLastAppendMs: drainMs,
  });
  print({ figure: 'machine', node: process.version, cpus: (await import('node:os')).cpus().length, referenceMs: measureMachineSpeed().referenceMs, date: new Date().toISOString() });
} finally {
  await ledger.close();
  const admin = new pg.Client({ connectionString: process.env.LEDGER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  for (const schema of (await admin.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1 or nspname = $2`, [`${names.prefix}\\_%`, names.logSchema])).rows) {
    await admin.query(`drop schema if exists ${quoteIdent(schema.nspname)} cascade`);
  }
  await admin.end();
}
