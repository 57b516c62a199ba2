// npm run bench -- projections-catch-up-kafka — the live projections on Kafka catching up with
// events already in the log, nothing else running in the process: the projection side of
// ingest → projections without the append's share of the Node thread. Every read model gets its
// (empty) version first, then LEDGER_BENCH_EVENTS (default 150,000) generated events are appended,
// then the live projections start and are timed until every read model's checkpoint is at the end.
// One JSON line per figure; fresh topics (left to retention) and schemas (dropped at the end).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { freshNames, openTestLedger, projectionsCaughtUp } from '../projections/testing/int-support.ts';
import { startProjections } from '../projections/runtime/live.ts';
import { generatedDays } from './runner/generated-days.ts';
import { measureMachineSpeed } from './runner/machine-speed.ts';

const target = Number(process.env.LEDGER_BENCH_EVENTS ?? 150_000);
const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'projections-catch-up-kafka', ...figure })}\n`);
const ledger = await openTestLedger({ ...freshNames('kafka'), prefix: `kcb_${randomBytes(3).toString('hex')}` }, undefined, { kafkaSessionTimeoutMs: 30_000 });
try {
  const group = `bench-${ledger.names.prefix}`;
  const options = { knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group };
  await (await startProjections(options)).stop(); // builds every (empty) version and joins the group
  const records = await generatedDays(ledger, target, 'c');
  for (let i = 0; i < records.length; i += 2000) await ledger.log.append(records.slice(i, i + 2000));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const live = await startProjections(options);
  while (!(await projectionsCaughtUp(ledger))) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await live.stop();
  print({
    figure: 'live projections catching up on Kafka (events already in the log)', events: records.length, seconds, eventsPerSecond: Math.round(records.length / seconds),
    nodeCpuMicrosPerEvent: Math.round(((cpu.user + cpu.system) / records.length) * 10) / 10, readModels: ledger.models.map((m) => m.name),
  });
  print({ figure: 'machine', node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Number(x.toFixed(1))), referenceMs: measureMachineSpeed().referenceMs, date: new Date().toISOString() });
} finally {
  await ledger.drop().catch(() => undefined);
  await ledger.close();
}
