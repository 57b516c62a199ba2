// The proof that graceful degradation loses nothing and counts nothing twice, on either log
// adapter: core read models keep projecting while the analytics ones pause (their checkpoints
// stand still), and after NORMAL returns the analytics ones catch up from the log to tables
// identical to a build that never paused. The mode changes come from the real controller,
// driven by the lag of the core group.
import { expect } from 'chai';
import { DecisionLatency } from '../../platform/degradation/decision-latency.ts';
import { startDegradationController } from '../../platform/degradation/degradation-controller.ts';
import { runSheddable } from '../../platform/degradation/shed-when-degraded.ts';
import { watchSystemMode } from '../../platform/degradation/system-mode-watch.ts';
import { waitFor } from '../../log/contract/contract-support.ts';
import { startProjections, type LiveProjections } from '../runtime/live.ts';
import { rebuild } from '../runtime/rebuild.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { generateDay } from '../wallboard/fixture-day/generate-day.ts';
import { dumpCurrent, freshNames, openTestLedger, projectionsCaughtUp, type LogKind, type TestLedger } from './int-support.ts';

/** Every read model's own checkpoints (topic/partition → next offset). */
async function modelCheckpoints(ledger: TestLedger, names: readonly string[]): Promise<Record<string, string>> {
  const versions = await ledger.store.currentVersions(names);
  const out: Record<string, string> = {};
  for (const name of names) {
    const schema = quoteIdent(ledger.store.versionSchema(name, versions.get(name) as number));
    const rows = (await ledger.knex.raw<{ rows: { topic: string; partition: number; next_offset: string }[] }>(`select topic, partition, next_offset from ${schema}.checkpoints where projection = ? order by topic, partition`, [name])).rows;
    for (const row of rows) out[`${name} ${row.topic}/${row.partition}`] = String(row.next_offset);
  }
  return out;
}

async function groupCheckpoints(ledger: TestLedger, group: string, topics: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const topic of topics) for (const [partition, next] of await ledger.log.groupOffsets(group, topic)) out[`${topic}/${partition}`] = next;
  return out;
}

export function defineDegradationFeatures(kind: LogKind): void {
  describe(`graceful degradation of the projections (${kind} log)`, function () {
    this.timeout(300_000);
    let ledger: TestLedger;

    before(async () => {
      ledger = await openTestLedger(freshNames(kind));
      await ledger.log.createTopics([{ topic: ledger.codec.catalogue.get('SystemModeChanged').topic, partitions: 1 }]);
    });
    after(async () => {
      await ledger?.close();
      await ledger?.drop();
    });

    it('pauses the analytics read models while DEGRADED, keeps the core ones current, and catches up to identical tables after NORMAL', async () => {
      const core = ledger.models.filter((m) => m.sheddableFeature === undefined);
      const analytics = ledger.models.filter((m) => m.sheddableFeature === 'analytics');
      expect(core.map((m) => m.name)).to.include('live_queues');
      expect(analytics.map((m) => m.name)).to.include('wallboard');
      const topics = [...new Set(ledger.models.flatMap((m) => m.topics))];
      const coreGroup = `core-${ledger.names.prefix}`;
      const analyticsGroup = `analytics-${ledger.names.prefix}`;
      // A scope of its own: on a shared broker other tests' mode changes must not reach this one.
      const scope = `test-${ledger.names.topicSuffix}`;
      const day = generateDay({ calls: 400, agents: 6, seed: 17 });
      const half = Math.floor(day.events.length / 2);
      await ledger.append(day.events.slice(0, half));

      const live = (models: typeof core, group: string) => startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models, group, maxBatchSize: 200 });
      const watch = await watchSystemMode({ log: ledger.log, codec: ledger.codec, scope, pollMs: 200 });
      let clock = 1_000_000;
      const controller = await startDegradationController({
        log: ledger.log, codec: ledger.codec, watch, groups: [coreGroup], topics, latency: new DecisionLatency(), sampleMs: 0, now: () => clock,
        limits: { scope, maxLag: 100, resumeLag: 0, maxDecisionMs: 1_000, resumeDecisionMs: 500, sustainMs: 5_000, shedFeatures: ['analytics'] },
      });
      let coreLive: LiveProjections | undefined = await live(core, coreGroup);
      const analyticsLive = await runSheddable({ feature: 'analytics', watch, start: () => live(analytics, analyticsGroup) });
      try {
        await waitFor('every read model to catch up', () => projectionsCaughtUp(ledger));
        expect(analyticsLive.paused()).to.equal(false);

        // Overload: the core group falls behind (stopped here, so its lag is exact) while events keep arriving.
        await coreLive.stop();
        coreLive = undefined;
        await ledger.append(day.events.slice(half));
        expect(await controller.sample(), 'breach not yet sustained').to.deep.equal([]);
        clock += 5_000;
        const [degraded] = await controller.sample();
        expect(degraded).to.include({ scope, mode: 'DEGRADED', changedBy: 'SYSTEM' });
        expect(degraded.reason).to.match(new RegExp(`lag of ${coreGroup} \\d+ records > 100`));
        expect(watch.current()?.mode).to.equal('DEGRADED');
        expect(analyticsLive.paused()).to.equal(true);
        const pausedAt = { group: await groupCheckpoints(ledger, analyticsGroup, topics), models: await modelCheckpoints(ledger, analytics.map((m) => m.name)) };

        // Core keeps projecting while DEGRADED; analytics checkpoints stand still.
        coreLive = await live(core, coreGroup);
        const coreModels = { ...ledger, models: core };
        await waitFor('the core read models to catch up while degraded', () => projectionsCaughtUp(coreModels));
        expect(await projectionsCaughtUp({ ...ledger, models: analytics }), 'analytics paused').to.equal(false);
        expect(await groupCheckpoints(ledger, analyticsGroup, topics)).to.deep.equal(pausedAt.group);
        expect(await modelCheckpoints(ledger, analytics.map((m) => m.name))).to.deep.equal(pausedAt.models);

        // Load falls: NORMAL only after the recovery is sustained (hysteresis), then analytics catches up.
        clock += 1_000;
        expect(await controller.sample(), 'recovery not yet sustained').to.deep.equal([]);
        expect(analyticsLive.paused()).to.equal(true);
        clock += 5_000;
        const [normal] = await controller.sample();
        expect(normal).to.include({ scope, mode: 'NORMAL', previousMode: 'DEGRADED', changedBy: 'SYSTEM' });
        expect(analyticsLive.paused()).to.equal(false);
        await waitFor('the analytics read models to catch up', () => projectionsCaughtUp(ledger));
      } finally {
        await analyticsLive.stop();
        await coreLive?.stop();
        await controller.stop();
        await watch.stop();
      }

      const degradedRun = await dumpCurrent(ledger);
      // Counted end to end: every queue visit of the day is offered exactly once on the wallboard.
      const offered = degradedRun['wallboard.intervals'].reduce((sum: number, row) => sum + Number((row as { offered: string }).offered), 0);
      expect(offered).to.equal(day.visits.length);
      // The reference: the same log built in one go, never paused.
      const reference = await openTestLedger({ ...ledger.names, prefix: `${ledger.names.prefix}_ref` });
      try {
        await rebuild({ knex: reference.knex, log: reference.log, codec: reference.codec, store: reference.store, models: reference.models });
        expect(degradedRun).to.deep.equal(await dumpCurrent(reference));
      } finally {
        await reference.close();
      }
    });
  });
}
