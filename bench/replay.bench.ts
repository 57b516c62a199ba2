// npm run bench:replay — DR takeover on the embedded log (PostgreSQL), docs/operations.md:
//   1. a month of history (generated contact-centre days) is written to the log; the compliance
//      timeline of one interaction, and of one customer, is read from it;
//   2. the read models are rebuilt from offset zero (the rebuild-after-import rate);
//   3. a read-model snapshot is taken (pg_dump of the projection schemas: rows and checkpoints
//      together, since they commit in one transaction) and the site keeps running: a tail of
//      traffic reaches the log after the snapshot;
//   4. DR takeover, timed: the read-model database is empty (schemas dropped), the snapshot is
//      restored, the live projections start and consume the tail, and live queues and agent
//      states answer: "usable";
//   5. for comparison, cold start with no snapshot: live_queues rebuilt from offset zero.
// One JSON line per figure. LEDGER_BENCH_DAYS (default 30) × LEDGER_BENCH_CALLS_PER_DAY (default
// 3,000) calls; LEDGER_BENCH_TAIL_CALLS (default 2,000) after the snapshot. Fresh schemas in
// LEDGER_BENCH_DATABASE_URL (default the test database), dropped at the end. Needs pg_dump and
// pg_restore on the PATH (the same major version as the server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freshNames, openTestLedger } from '../projections/testing/int-support.ts';
import { rebuild } from '../projections/runtime/rebuild.ts';
import { startProjections } from '../projections/runtime/live.ts';
import { generateDay } from '../projections/wallboard/fixture-day/generate-day.ts';
import { agentsBySkill, liveQueues } from '../projections/live-queues/live-queues.queries.ts';
import { quoteIdent } from '../projections/runtime/table-writer.ts';
import { ProjectionStore } from '../projections/runtime/store.ts';
import { projectionSchemas, restoreReadModels, snapshotReadModels } from '../projections/runtime/snapshot.ts';
import { TimelineBuilder } from '../replay/timeline.ts';
import { InMemoryDataKeyStore } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { routingInputsTopic } from '../streams/routing/routing.processor.ts';

const databaseUrl = process.env.LEDGER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
process.env.LEDGER_TEST_DATABASE_URL ??= databaseUrl;
const days = Number(process.env.LEDGER_BENCH_DAYS ?? 30);
const callsPerDay = Number(process.env.LEDGER_BENCH_CALLS_PER_DAY ?? 3000);
const tailCalls = Number(process.env.LEDGER_BENCH_TAIL_CALLS ?? 2000);
const print = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'replay', ...figure })}\n`);
const names = { ...freshNames('embedded'), prefix: `pr_${randomBytes(3).toString('hex')}` };
const ledger = await openTestLedger(names);
const dir = mkdtempSync(join(tmpdir(), 'dr-bench-'));
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();

async function dropProjections(): Promise<void> {
  for (const schema of await projectionSchemas(databaseUrl, names.prefix)) await admin.query(`drop schema if exists ${quoteIdent(schema)} cascade`);
}
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

async function waitCaughtUp(knex: typeof ledger.knex, store: ProjectionStore, models: typeof ledger.models): Promise<void> {
  for (;;) {
    const versions = await store.currentVersions(models.map((m) => m.name));
    let behind = false;
    for (const model of models) {
      const version = versions.get(model.name);
      if (version === undefined) { behind = true; break; }
      const rows = (await knex.raw<{ rows: { topic: string; partition: number; next_offset: string }[] }>(
        `select topic, partition, next_offset from ${quoteIdent(store.versionSchema(model.name, version))}.checkpoints`)).rows;
      for (const topic of model.topics) {
        for (const p of (await ledger.log.describeTopic(topic)).partitions) {
          const done = rows.find((r) => r.topic === topic && r.partition === p.partition);
          if (p.high > p.low && (!done || Number(done.next_offset) < p.high)) behind = true;
        }
      }
    }
    if (!behind) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  // 1. A month of history.
  let started = performance.now();
  let events = 0;
  let lastDay: AnyLedgerEvent[] = [];
  for (let day = 0; day < days; day++) {
    const fixture = generateDay({ seed: 5000 + day, calls: callsPerDay, agents: 150, idPrefix: `m${day}`, dayOffset: day });
    lastDay = fixture.events;
    await ledger.appendRecords(await ledger.encode(fixture.events));
    events += fixture.events.length;
    process.stderr.write(`\rhistory: ${events} events (${day + 1}/${days} days)`);
  }
  process.stderr.write('\n');
  print({ figure: 'history written', days, calls: days * callsPerDay, events, seconds: seconds(started), eventsPerSecond: Math.round(events / seconds(started)) });

  // 1b. Compliance timelines over that history (replay/timeline.ts): one interaction of the last
  // day, then every interaction of one of its customers (found by a scan of the whole log).
  const timeline = new TimelineBuilder({
    log: ledger.log, codec: ledger.codec, personalData: new PersonalDataProtector(new InMemoryDataKeyStore()),
    topics: { interactions: ledger.topic('ledger.interactions'), agents: ledger.topic('ledger.agents'), audit: ledger.topic('ledger.audit'), control: ledger.topic('ledger.control'), routingInputs: ledger.topic(routingInputsTopic) },
  });
  const identified = lastDay.find((e) => e.type === 'CustomerIdentified') as AnyLedgerEvent & { data: { customerId: string } };
  started = performance.now();
  const one = await timeline.build(identified.metadata.interactionId as string, 'compliance');
  const checks: Record<string, number> = {};
  for (const check of one.replay.decisions) checks[check.result] = (checks[check.result] ?? 0) + 1;
  // The generated history's summaries come from the fixture, not the summary decider: a re-run differs.
  print({ figure: 'compliance timeline of one interaction (scan of the log, decisions re-run)', seconds: seconds(started), logEvents: events, timelineEvents: one.events.length, decisionChecks: checks });
  started = performance.now();
  const ofCustomer = await timeline.interactionsOf(identified.data.customerId);
  for (const id of ofCustomer) await timeline.build(id, 'compliance');
  print({ figure: 'compliance timelines of one customer (find their interactions, then each timeline)', seconds: seconds(started), logEvents: events, interactions: ofCustomer.length });

  // 2. Rebuild of every read model from offset zero.
  const all = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
  print({ figure: 'rebuild all read models from offset zero', readModels: ledger.models.map((m) => m.name), events: all.records, seconds: all.seconds, eventsPerSecond: all.eventsPerSecond });

  // 3. Snapshot, then the tail keeps arriving.
  const dump = join(dir, 'read-models.dump');
  started = performance.now();
  const snapshot = await snapshotReadModels({ databaseUrl, prefix: names.prefix, file: dump });
  print({ figure: 'read-model snapshot (call-ledger projections snapshot: pg_dump of the projection schemas)', seconds: seconds(started), megabytes: Number((snapshot.bytes / 1e6).toFixed(1)) });
  // The tail is the next morning up to 11:00 local time: calls waiting and agents on shift at takeover.
  const tailDay = generateDay({ seed: 9999, calls: tailCalls, agents: 150, idPrefix: 'tail', dayOffset: days });
  const takeoverAt = tailDay.dayStart + 11 * 3_600_000;
  const tail = { dayStart: tailDay.dayStart, events: tailDay.events.filter((e) => e.metadata.occurredAt < takeoverAt) };
  await ledger.appendRecords(await ledger.encode(tail.events));
  print({ figure: 'tail after the snapshot (next morning until 11:00)', events: tail.events.length });

  // 4. DR takeover: empty read-model database → snapshot restored → tail consumed → queries answer.
  await dropProjections();
  started = performance.now();
  await restoreReadModels({ databaseUrl, prefix: names.prefix, file: dump });
  const restored = seconds(started);
  const store = new ProjectionStore(ledger.knex, names.prefix);
  const live = await startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store, models: ledger.models, group: `dr-${names.prefix}` });
  await waitCaughtUp(ledger.knex, store, ledger.models);
  const queues = await liveQueues(ledger.knex, store.readSchema, takeoverAt);
  const agents = await agentsBySkill(ledger.knex, store.readSchema);
  const takeover = seconds(started);
  await live.stop();
  print({
    figure: 'DR takeover with a snapshot (empty read-model database → live queues and agent states usable)', seconds: takeover, restoreSeconds: restored,
    tailEvents: tail.events.length, historyEvents: events, queues: queues.length, waitingCalls: queues.reduce((n, q) => n + q.waiting, 0),
    agentsLoggedInByState: queues[0]?.agentsByState ?? {}, agentsBySkillRows: agents.length, target: '≤ 60 s',
  });

  // 5. Cold start without a snapshot: live_queues alone rebuilt from offset zero.
  await dropProjections();
  started = performance.now();
  const liveOnly = ledger.models.filter((m) => m.name === 'live_queues');
  const cold = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: new ProjectionStore(ledger.knex, names.prefix), models: liveOnly });
  await liveQueues(ledger.knex, store.readSchema, takeoverAt);
  print({ figure: 'cold start without a snapshot (live_queues rebuilt from offset zero)', seconds: seconds(started), events: cold.records, eventsPerSecond: cold.eventsPerSecond });
  print({ figure: 'machine', node: process.version, cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))), date: new Date().toISOString() });
} finally {
  await ledger.close();
  await dropProjections();
  await admin.query(`drop schema if exists ${quoteIdent(names.logSchema)} cascade`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
