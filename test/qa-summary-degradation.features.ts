// The proof that QA and summaries pause under DEGRADED and lose nothing, on either log adapter:
// the real degradation controller (driven by the lag of the core risk group) publishes DEGRADED,
// the QA and summary processor stops (its checkpoints stand still, no QA finding or summary is
// decided) while the risk processor keeps raising alerts; after NORMAL it catches up from the log.
// Then every decision (by id, type and content), the counts, and the read models fed by QA and
// summaries equal those of a second run of the same calls whose processors never paused.
//
// Each call's events are appended in two steps (all but the end, then the end once the risk group
// has decided them) in both runs, so every summary sees its call's risk alerts the same way: a
// summary takes the alerts that are in the log before the call ends.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { waitFor } from '../log/contract/contract-support.ts';
import type { LedgerLog } from '../log/port.ts';
import { toAppendRecords } from '../log/runtime/event-records.ts';
import { DecisionLatency } from '../platform/degradation/decision-latency.ts';
import { startDegradationController } from '../platform/degradation/degradation-controller.ts';
import { runSheddable, type SheddableConsumption } from '../platform/degradation/shed-when-degraded.ts';
import { watchSystemMode, type SystemModeWatch } from '../platform/degradation/system-mode-watch.ts';
import { readModels, defaultProjectionSettings } from '../projections/read-models.ts';
import { dumpCurrent, freshNames, openTestLog, remapTopics, type LogKind } from '../projections/testing/int-support.ts';
import { startProjections, type LiveProjections } from '../projections/runtime/live.ts';
import { openKnex } from '../projections/runtime/open-knex.ts';
import type { ReadModel } from '../projections/runtime/read-model.ts';
import { ProjectionStore } from '../projections/runtime/store.ts';
import { quoteIdent } from '../projections/runtime/table-writer.ts';
import { catalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { InMemoryDataKeyStore } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { qaComponent } from '../streams/qa/qa.decider.ts';
import { qaSummaryFeatures, qaSummaryProcessor, riskProcessor, startCallProcessor, type CallProcessorKind, type CallProcessorTopics, type RunningCallProcessor } from '../streams/risk/call-processor.ts';
import { riskComponent } from '../streams/risk/risk.decider.ts';
import { summaryComponent } from '../streams/summary/summary.decider.ts';
import { loadCorpus } from './corpus/evaluate.ts';
import { CallBuilder, eventsOfScript, fixtureUuid } from './support/call-builder.ts';
import { testDatabaseUrl } from './support/test-database.ts';

/** The read models that QA findings and summaries feed. */
const fedModels = new Set(['agent_profiles', 'customer_history', 'intents', 'questions']);
const qaAndSummary = new Set([qaComponent, summaryComponent]);

/** Every corpus conversation as a call of one customer (identified, so the customer history has a row), split before its end. */
function calls(round: number): { body: AnyLedgerEvent[]; end: AnyLedgerEvent }[] {
  return loadCorpus().map((conversation, i) => {
    const interactionId = `degrade-${round}-${conversation.id}`;
    const identified = new CallBuilder({ interactionId }).event('CustomerIdentified', { customerId: `C-${round}-${i}`, method: 'CALLER_NUMBER', tier: 'STANDARD', relationshipAgentId: null, customerName: null, preferredLanguage: null });
    // The builders number their events from 0: the identification gets an id of its own.
    const first = { ...identified, metadata: { ...identified.metadata, eventId: fixtureUuid(`${interactionId}/identified`) } } as AnyLedgerEvent;
    const events = eventsOfScript({ interactionId, language: conversation.language, agentId: `agent-${i % 3}` }, conversation.script);
    return { body: [first, ...events.slice(0, -1)], end: events[events.length - 1] };
  });
}

/** Per partition: the offset after its last record (Kafka's end offset also counts transaction markers, which no checkpoint passes). */
async function afterLastRecord(log: LedgerLog, topic: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const { partition, low, high } of (await log.describeTopic(topic)).partitions) {
    for (let from = Math.max(low, high - 8); high > low; from = Math.max(low, from - 64)) {
      let last = -1;
      for await (const batch of log.readRange({ topic, partitions: [partition], from: { offset: from }, to: { offset: high } })) for (const record of batch) last = record.offset;
      if (last >= 0) {
        out.set(partition, last + 1);
        break;
      }
      if (from === low) break;
    }
  }
  return out;
}

interface Run {
  readonly name: string;
  readonly topics: CallProcessorTopics;
  readonly models: ReadModel[];
  readonly store: ProjectionStore;
  readonly group: (kind: CallProcessorKind) => string;
}

export function defineQaSummaryDegradation(kind: LogKind): void {
  describe(`QA and summaries pause under DEGRADED (${kind} log)`, function () {
    this.timeout(300_000);
    const names = freshNames(kind);
    let log: LedgerLog;
    let codec: EventCodec;
    let personalData: PersonalDataProtector;
    let knex: Knex;
    let closeLog: () => Promise<void>;
    const stops: (() => Promise<void>)[] = [];

    const runOf = (name: string): Run => {
      const topic = (t: string): string => `${t}.${name}.${names.topicSuffix}`;
      return {
        name,
        topics: { interactions: topic('ledger.interactions'), control: topic('ledger.control'), deadLetter: topic('ledger.deadletter') },
        models: remapTopics(readModels(defaultProjectionSettings).filter((m) => fedModels.has(m.name)), topic),
        store: new ProjectionStore(knex, `${names.prefix}_${name}`),
        group: (k) => `${k.name}.${name}.${names.topicSuffix}`,
      };
    };

    before(async () => {
      const opened = await openTestLog(names);
      log = opened.log;
      personalData = new PersonalDataProtector(new InMemoryDataKeyStore());
      codec = new EventCodec({ catalogue: catalogue(), registry: opened.registry, personalData });
      knex = openKnex(testDatabaseUrl());
      closeLog = async () => {
        await log.close();
        await knex.destroy();
        await opened.pool.end();
      };
    });
    after(async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await closeLog?.();
      const admin = openKnex(testDatabaseUrl());
      try {
        const rows = (await admin.raw<{ rows: { nspname: string }[] }>(`select nspname from pg_namespace where nspname like ? or nspname = ?`, [`${names.prefix}\\_%`, names.logSchema])).rows;
        for (const row of rows) await admin.raw(`drop schema if exists ${quoteIdent(row.nspname)} cascade`);
      } finally {
        await admin.destroy();
      }
    });

    const prepare = async (run: Run): Promise<void> => {
      await log.createTopics([
        { topic: run.topics.interactions, partitions: 3 }, { topic: run.topics.control, partitions: 1 }, { topic: run.topics.deadLetter ?? '', partitions: 1 },
        ...run.models.flatMap((m) => m.topics).filter((t) => t !== run.topics.interactions).map((topic) => ({ topic, partitions: 3 })),
        { topic: codec.catalogue.get('SystemModeChanged').topic, partitions: 1 },
      ]);
    };
    const append = async (run: Run, events: readonly AnyLedgerEvent[]): Promise<void> => {
      const records = await toAppendRecords(codec, events);
      await log.append(records.map((r) => ({ ...r, topic: run.topics.interactions })));
    };
    const start = async (run: Run, k: CallProcessorKind): Promise<RunningCallProcessor> => startCallProcessor({
      kind: k, log, codec, personalData, group: run.group(k), topics: run.topics, startFrom: 'earliest', maxBatchSize: 50,
    });
    const project = async (run: Run): Promise<LiveProjections> => {
      const live = await startProjections({ knex, log, codec, store: run.store, models: run.models, group: `projections.${run.name}.${names.topicSuffix}`, maxBatchSize: 200 });
      stops.push(() => live.stop());
      return live;
    };
    const checkpoints = async (run: Run, k: CallProcessorKind): Promise<Record<number, number>> => Object.fromEntries(await log.groupOffsets(run.group(k), run.topics.interactions));
    const caughtUp = async (run: Run, k: CallProcessorKind): Promise<boolean> => {
      const done = await log.groupOffsets(run.group(k), run.topics.interactions);
      for (const [partition, end] of await afterLastRecord(log, run.topics.interactions)) if ((done.get(partition) ?? 0) < end) return false;
      return true;
    };
    const modelsCaughtUp = async (run: Run): Promise<boolean> => {
      const ends = await afterLastRecord(log, run.topics.interactions);
      const versions = await run.store.currentVersions(run.models.map((m) => m.name));
      for (const model of run.models) {
        const version = versions.get(model.name);
        if (version === undefined) return false;
        const rows = (await knex.raw<{ rows: { partition: number; next_offset: string }[] }>(
          `select partition, next_offset from ${quoteIdent(run.store.versionSchema(model.name, version))}.checkpoints where projection = ? and topic = ?`, [model.name, run.topics.interactions],
        )).rows;
        for (const [partition, end] of ends) if (Number(rows.find((r) => r.partition === partition)?.next_offset ?? 0) < end) return false;
      }
      return true;
    };
    /** Every decision of the call processors in the run's log, revealed. */
    const decisions = async (run: Run): Promise<AnyLedgerEvent[]> => {
      const out: AnyLedgerEvent[] = [];
      for await (const batch of log.readRange({ topic: run.topics.interactions })) {
        for (const record of batch) {
          const decoded = await codec.decode(record.value);
          if (!decoded.metadata.producer.component.startsWith('streams/')) continue;
          out.push((await personalData.reveal(codec.catalogue.get(decoded.type), decoded)) as unknown as AnyLedgerEvent);
        }
      }
      return out;
    };
    const countByType = (events: readonly AnyLedgerEvent[]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const e of events) out[`${e.metadata.producer.component} ${e.type}`] = (out[`${e.metadata.producer.component} ${e.type}`] ?? 0) + 1;
      return out;
    };
    const comparable = (e: AnyLedgerEvent): unknown => JSON.parse(JSON.stringify({ id: e.metadata.eventId, type: e.type, producer: e.metadata.producer, causationId: e.metadata.causationId, occurredAt: e.metadata.occurredAt, data: e.data })) as unknown;
    /** The read models' rows; personal fields (the summary) are ciphertext under a random nonce, so only whether one is there is compared. */
    const dump = async (run: Run): Promise<Record<string, unknown[]>> => {
      const tables = await dumpCurrent({ knex, store: run.store, models: run.models });
      const out: Record<string, unknown[]> = {};
      for (const [table, rows] of Object.entries(tables)) {
        if (table.endsWith('.entity_state')) continue;
        out[table] = rows.map((row) => {
          const copy = { ...(row as Record<string, unknown>) };
          if ('summary' in copy) copy.summary = copy.summary !== null;
          return copy;
        });
      }
      return out;
    };

    it('stops deciding QA findings and summaries while DEGRADED, keeps raising risk alerts, and after NORMAL catches up to the decisions and read models of a run that never paused', async () => {
      const [first, second] = [calls(1), calls(2)];
      const inputIds = (phase: typeof first) => new Set(phase.flatMap((c) => [...c.body, c.end].map((e) => e.metadata.eventId)));
      const secondInputs = inputIds(second);

      // The degraded run.
      const degraded = runOf('degraded');
      await prepare(degraded);
      const scope = `test-${names.topicSuffix}`;
      const watch: SystemModeWatch = await watchSystemMode({ log, codec, scope, pollMs: 200 });
      stops.push(() => watch.stop());
      let clock = 1_000_000;
      const controller = await startDegradationController({
        log, codec, watch, groups: [degraded.group(riskProcessor)], topics: [degraded.topics.interactions], latency: new DecisionLatency(), sampleMs: 0, now: () => clock,
        // resumeLag: a transactional writer leaves a commit marker no checkpoint passes (Kafka), one per partition.
        limits: { scope, maxLag: 10, resumeLag: 3, maxDecisionMs: 1_000, resumeDecisionMs: 500, sustainMs: 5_000, shedFeatures: ['analytics', 'qa', 'summary'] },
      });
      stops.push(() => controller.stop());
      let risk: RunningCallProcessor | undefined = await start(degraded, riskProcessor);
      stops.push(() => risk?.stop() ?? Promise.resolve());
      const qaSummary: SheddableConsumption = await runSheddable({ feature: qaSummaryFeatures, watch, start: () => start(degraded, qaSummaryProcessor) });
      stops.push(() => qaSummary.stop());
      await project(degraded);

      await append(degraded, first.flatMap((c) => c.body));
      await waitFor('risk to decide the first calls', () => caughtUp(degraded, riskProcessor));
      await append(degraded, first.map((c) => c.end));
      await waitFor('QA and summaries of the first calls', () => caughtUp(degraded, qaSummaryProcessor));
      expect(qaSummary.paused()).to.equal(false);

      // Overload: the risk group falls behind (stopped here, so its lag is exact) while calls keep coming.
      await risk.stop();
      risk = undefined;
      await append(degraded, second.flatMap((c) => c.body));
      expect(await controller.sample(), 'breach not yet sustained').to.deep.equal([]);
      clock += 5_000;
      const [degradedMode] = await controller.sample();
      expect(degradedMode).to.include({ scope, mode: 'DEGRADED', changedBy: 'SYSTEM' });
      expect(degradedMode.shedFeatures).to.include.members(['qa', 'summary']);
      expect(qaSummary.paused()).to.equal(true);
      // It may have decided some of the second calls' segments before the pause; from here on it decides nothing.
      const pausedAt = await checkpoints(degraded, qaSummaryProcessor);
      const qaAtPause = (await decisions(degraded)).filter((e) => qaAndSummary.has(e.metadata.producer.component)).length;

      // Risk (core) keeps deciding while DEGRADED: alerts for the new calls; QA and summaries stand still.
      risk = await start(degraded, riskProcessor);
      await waitFor('risk to decide the second calls while degraded', () => caughtUp(degraded, riskProcessor));
      await append(degraded, second.map((c) => c.end));
      await waitFor('risk to see the second calls end', () => caughtUp(degraded, riskProcessor));
      const whileDegraded = await decisions(degraded);
      // Risk was stopped before the second calls came: every alert they caused was raised while DEGRADED.
      const causedBySecond = whileDegraded.filter((e) => secondInputs.has(e.metadata.causationId ?? ''));
      expect(causedBySecond.filter((e) => e.metadata.producer.component === riskComponent && e.type === 'RiskAlertRaised').length, 'risk alerts while degraded').to.be.greaterThan(0);
      expect(whileDegraded.filter((e) => qaAndSummary.has(e.metadata.producer.component)).length, 'QA findings and summaries while degraded').to.equal(qaAtPause);
      expect(whileDegraded.filter((e) => e.type === 'SummaryGenerated').length, 'the second calls ended unsummarised').to.equal(first.length);
      expect(await checkpoints(degraded, qaSummaryProcessor)).to.deep.equal(pausedAt);
      expect(await caughtUp(degraded, qaSummaryProcessor)).to.equal(false);

      // Load falls: NORMAL only after the recovery is sustained, then QA and summaries catch up from the log.
      clock += 1_000;
      expect(await controller.sample(), 'recovery not yet sustained').to.deep.equal([]);
      expect(qaSummary.paused()).to.equal(true);
      clock += 5_000;
      const [normal] = await controller.sample();
      expect(normal).to.include({ scope, mode: 'NORMAL', previousMode: 'DEGRADED', changedBy: 'SYSTEM' });
      expect(qaSummary.paused()).to.equal(false);
      await waitFor('QA and summaries to catch up after NORMAL', async () => (await caughtUp(degraded, qaSummaryProcessor)) && (await caughtUp(degraded, riskProcessor)));
      await waitFor('the read models to catch up', () => modelsCaughtUp(degraded));

      // The reference: the same calls, appended the same way, processors never paused.
      const reference = runOf('reference');
      await prepare(reference);
      const referenceRisk = await start(reference, riskProcessor);
      stops.push(() => referenceRisk.stop());
      const referenceQa = await start(reference, qaSummaryProcessor);
      stops.push(() => referenceQa.stop());
      await project(reference);
      for (const phase of [first, second]) {
        await append(reference, phase.flatMap((c) => c.body));
        await waitFor('reference risk', () => caughtUp(reference, riskProcessor));
        await append(reference, phase.map((c) => c.end));
        await waitFor('reference risk at the ends', () => caughtUp(reference, riskProcessor));
      }
      await waitFor('reference QA and summaries', () => caughtUp(reference, qaSummaryProcessor));
      await waitFor('reference read models', () => modelsCaughtUp(reference));

      const [degradedDecisions, referenceDecisions] = [await decisions(degraded), await decisions(reference)];
      const counts = countByType(degradedDecisions);
      // Counted: one summary and one QA score per call, none twice.
      expect(counts[`${summaryComponent} SummaryGenerated`]).to.equal(first.length + second.length);
      expect(counts[`${qaComponent} QaScoreComputed`]).to.equal(first.length + second.length);
      expect(new Set(degradedDecisions.map((e) => e.metadata.eventId)).size, 'no decision twice').to.equal(degradedDecisions.length);
      expect(counts).to.deep.equal(countByType(referenceDecisions));
      const byId = (events: readonly AnyLedgerEvent[]) => events.map(comparable).sort((a, b) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1));
      expect(byId(degradedDecisions)).to.deep.equal(byId(referenceDecisions));
      const [degradedModels, referenceModels] = [await dump(degraded), await dump(reference)];
      expect(degradedModels['customer_history.contacts'].filter((row) => (row as { summary: boolean }).summary).length, 'a summary on every contact').to.equal(first.length + second.length);
      expect(degradedModels).to.deep.equal(referenceModels);
    });
  });
}
